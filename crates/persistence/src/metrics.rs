//! Monthly KPI values per agent, the KPI catalogue and its versioned configurations, and the
//! scorecards computed from them.

mod catalogue;
mod config;
mod months;
mod scorecards;

pub use catalogue::*;
pub use config::*;
pub use months::*;
pub use scorecards::*;
