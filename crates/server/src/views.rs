//! What persistence returns, shaped for the API: the wire mapping to `dto`, the dashboards,
//! scorecards, spreadsheets and the metrics CSV.

pub mod dashboard;
pub mod exports;
pub mod metrics_csv;
pub mod scorecards;
pub mod spreadsheet;
pub mod wire;
