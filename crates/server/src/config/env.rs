//! Reading the environment: each variable once, every problem collected before failing.

use std::str::FromStr;
use std::time::Duration;

use super::ConfigErrors;

/// The environment being read, and every problem found in it so far.
pub struct Env<'a> {
    var: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
}

impl<'a> Env<'a> {
    pub fn new(var: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Env {
            var,
            problems: Vec::new(),
        }
    }

    /// `name`'s value; a blank one counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.var)(name).filter(|value| !value.trim().is_empty())
    }

    /// Parses `name` (or `default` when unset); a bad value is reported and `default` stands in.
    pub fn parse<T: FromStr>(&mut self, name: &str, default: &str, expected: &str) -> T {
        let fallback = || default.parse().ok().expect("every default parses");
        match self.get(name) {
            None => fallback(),
            Some(raw) => raw.trim().parse().unwrap_or_else(|_| {
                self.problem(format!("{name}: `{raw}` is not {expected}"));
                fallback()
            }),
        }
    }

    /// A `true` or `false` variable.
    pub fn flag(&mut self, name: &str, default: bool) -> bool {
        self.parse(
            name,
            if default { "true" } else { "false" },
            "`true` or `false`",
        )
    }

    /// A number of seconds.
    pub fn seconds(&mut self, name: &str, default: u64) -> Duration {
        Duration::from_secs(self.parse(name, &default.to_string(), "a number of seconds"))
    }

    /// A per-minute limit: a positive number.
    pub fn limit(&mut self, name: &str, default: u32) -> u32 {
        let limit = self.parse(name, &default.to_string(), "a positive number");
        if limit == 0 {
            self.problem(format!("{name}: must be at least 1"));
        }
        limit
    }

    /// Reports a problem, one line naming its variable first.
    pub fn problem(&mut self, line: impl Into<String>) {
        self.problems.push(line.into());
    }

    /// `config`, unless a problem was found.
    pub fn finish<T>(self, config: T) -> Result<T, ConfigErrors> {
        if self.problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigErrors(self.problems))
        }
    }
}
