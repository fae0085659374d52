//! Puts the limits the server validates into the OpenAPI document, read from the same `garde`
//! attributes the server validates with, so the document and the server cannot drift apart.
//!
//! utoipa does not read garde's attributes, so the sources of the request types are read here
//! (compiled in with `include_str!`): for each `#[garde(...)]` on a field, `length` becomes
//! `minLength`/`maxLength` (`minItems`/`maxItems` on lists), `range` becomes `minimum`/`maximum`,
//! `email` becomes `format: email`, and the shared custom rules become their patterns. `inner(..)`
//! applies to what an `Option` holds. A rule the reader does not know adds nothing.

use serde_json::{Map, Value, json};

/// The sources of every type with garde rules (the DTOs and the query parameters), by their
/// path under `crates/`.
const SOURCES: [(&str, &str); 32] = [
    (
        "dto/src/evaluation_forms.rs",
        include_str!("../../../dto/src/evaluation_forms.rs"),
    ),
    (
        "dto/src/evaluations.rs",
        include_str!("../../../dto/src/evaluations.rs"),
    ),
    (
        "dto/src/query.rs",
        include_str!("../../../dto/src/query.rs"),
    ),
    (
        "server/src/routes/webhooks.rs",
        include_str!("../routes/webhooks.rs"),
    ),
    (
        "dto/src/webhooks.rs",
        include_str!("../../../dto/src/webhooks.rs"),
    ),
    (
        "server/src/routes/exports.rs",
        include_str!("../routes/exports.rs"),
    ),
    (
        "dto/src/session_templates.rs",
        include_str!("../../../dto/src/session_templates.rs"),
    ),
    (
        "dto/src/second_factor.rs",
        include_str!("../../../dto/src/second_factor.rs"),
    ),
    (
        "dto/src/access_tokens.rs",
        include_str!("../../../dto/src/access_tokens.rs"),
    ),
    (
        "dto/src/action_items.rs",
        include_str!("../../../dto/src/action_items.rs"),
    ),
    (
        "dto/src/action_plans.rs",
        include_str!("../../../dto/src/action_plans.rs"),
    ),
    ("dto/src/auth.rs", include_str!("../../../dto/src/auth.rs")),
    (
        "dto/src/governance.rs",
        include_str!("../../../dto/src/governance.rs"),
    ),
    (
        "dto/src/metrics.rs",
        include_str!("../../../dto/src/metrics.rs"),
    ),
    (
        "dto/src/notifications.rs",
        include_str!("../../../dto/src/notifications.rs"),
    ),
    (
        "dto/src/quick_notes.rs",
        include_str!("../../../dto/src/quick_notes.rs"),
    ),
    (
        "dto/src/sessions.rs",
        include_str!("../../../dto/src/sessions.rs"),
    ),
    (
        "dto/src/teams.rs",
        include_str!("../../../dto/src/teams.rs"),
    ),
    (
        "dto/src/users.rs",
        include_str!("../../../dto/src/users.rs"),
    ),
    (
        "server/src/routes/action_items.rs",
        include_str!("../routes/action_items.rs"),
    ),
    (
        "server/src/routes/action_plans.rs",
        include_str!("../routes/action_plans.rs"),
    ),
    (
        "server/src/routes/live.rs",
        include_str!("../routes/live.rs"),
    ),
    (
        "server/src/routes/governance.rs",
        include_str!("../routes/governance.rs"),
    ),
    ("server/src/routes/me.rs", include_str!("../routes/me.rs")),
    (
        "server/src/routes/metrics.rs",
        include_str!("../routes/metrics.rs"),
    ),
    (
        "server/src/routes/metrics_csv.rs",
        include_str!("../routes/metrics_csv.rs"),
    ),
    (
        "server/src/routes/notifications.rs",
        include_str!("../routes/notifications.rs"),
    ),
    (
        "server/src/routes/quick_notes.rs",
        include_str!("../routes/quick_notes.rs"),
    ),
    (
        "server/src/routes/search.rs",
        include_str!("../routes/search.rs"),
    ),
    (
        "server/src/routes/sessions.rs",
        include_str!("../routes/sessions.rs"),
    ),
    (
        "server/src/routes/teams.rs",
        include_str!("../routes/teams.rs"),
    ),
    (
        "server/src/routes/users.rs",
        include_str!("../routes/users.rs"),
    ),
];

/// One field's garde attribute: its struct, name, type and the attribute's arguments.
#[derive(Debug, PartialEq)]
struct Rule<'a> {
    owner: &'a str,
    field: &'a str,
    ty: &'a str,
    garde: &'a str,
}

/// Every `#[garde(..)]` that stands on a `pub` field of a `pub struct` in `source`.
fn rules(source: &str) -> Vec<Rule<'_>> {
    let mut found = Vec::new();
    let (mut owner, mut pending) = (None, None);
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("pub struct ") {
            owner = rest.split([' ', '<', '{']).next();
            pending = None;
        } else if let Some(args) = line
            .strip_prefix("#[garde(")
            .and_then(|rest| rest.strip_suffix(")]"))
        {
            pending = Some(args);
        } else if let (Some(owner), Some(field_line)) = (owner, line.strip_prefix("pub ")) {
            if let (Some((field, ty)), Some(garde)) = (field_line.split_once(':'), pending.take()) {
                found.push(Rule {
                    owner,
                    field: field.trim(),
                    ty: ty.trim().trim_end_matches(','),
                    garde,
                });
            }
        } else if line == "}" {
            owner = None;
        }
    }
    found
}

/// The text inside `name(...)` in `args`, at the top level or under `inner(..)`.
fn call<'a>(args: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("{name}(");
    let start = args
        .match_indices(&open)
        .find(|(at, _)| {
            *at == 0 || !args[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        })?
        .0
        + open.len();
    let mut depth = 1;
    for (offset, c) in args[start..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&args[start..start + offset]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The number after `key =` in `args`.
fn number(args: &str, key: &str) -> Option<f64> {
    args.split(',').find_map(|part| {
        let (name, value) = part.split_once('=')?;
        (name.trim() == key)
            .then(|| value.trim().replace('_', "").parse().ok())
            .flatten()
    })
}

/// The JSON-schema keywords a garde attribute stands for, on a field of type `ty`.
fn keywords(garde: &str, ty: &str) -> Map<String, Value> {
    let mut args = garde;
    let mut ty = ty.trim();
    // `inner(..)` validates what an Option (or another wrapper) holds.
    while let Some(inner) = call(args, "inner") {
        args = inner;
        ty = ty
            .strip_prefix("Option<")
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(ty);
    }
    // garde checks what an `Option` holds without `inner` too: its limits are the list's.
    let list = ty.trim_start_matches("Option<").starts_with("Vec<");
    let mut schema = Map::new();
    if let Some(length) = call(args, "length") {
        let (min, max) = if list {
            ("minItems", "maxItems")
        } else {
            ("minLength", "maxLength")
        };
        if let Some(n) = number(length, "min") {
            schema.insert(min.into(), json!(n as u64));
        }
        if let Some(n) = number(length, "max") {
            schema.insert(max.into(), json!(n as u64));
        }
    }
    if let Some(range) = call(args, "range") {
        for (keyword, key) in [("minimum", "min"), ("maximum", "max")] {
            if let Some(n) = number(range, key) {
                schema.insert(keyword.into(), json!(n));
            }
        }
    }
    if args.split(',').any(|a| a.trim() == "email") {
        schema.insert("format".into(), json!("email"));
    }
    if let Some(custom) = call(args, "custom") {
        let pattern = match custom.rsplit("::").next() {
            Some("month") => Some(r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
            Some("not_blank") => Some(r"\S"),
            Some("kpi_key") => Some(r"^[a-z][a-z0-9_]*$"),
            Some("web_address") => Some(r"^https?://[^/\s]\S*$"),
            _ => None,
        };
        if let Some(pattern) = pattern {
            schema.insert("pattern".into(), json!(pattern));
        }
        if custom.rsplit("::").next() == Some("distinct") {
            schema.insert("uniqueItems".into(), json!(true));
        }
    }
    schema
}

/// Adds every known limit to the document's schemas and query parameters.
pub fn declare(doc: &mut Value) {
    for (_, source) in SOURCES {
        for rule in rules(source) {
            let limits = keywords(rule.garde, rule.ty);
            if limits.is_empty() {
                continue;
            }
            let property = format!(
                "/components/schemas/{}/properties/{}",
                rule.owner, rule.field
            );
            if let Some(property) = doc.pointer_mut(&property) {
                merge(property, &limits);
            }
            // A query struct may serve handlers of other modules (the month range of the export).
            let operations = SOURCES
                .iter()
                .flat_map(|(_, handlers)| operations_with_params(handlers, rule.owner));
            for (method, path) in operations {
                let parameters = format!("/paths/{}/{method}/parameters", escape(path));
                let Some(parameters) = doc.pointer_mut(&parameters).and_then(Value::as_array_mut)
                else {
                    continue;
                };
                for parameter in parameters
                    .iter_mut()
                    .filter(|p| p["in"] == "query" && p["name"] == rule.field)
                {
                    if let Some(schema) = parameter.get_mut("schema") {
                        merge(schema, &limits);
                    }
                }
            }
        }
    }
}

/// The operations (method, path) of `source` whose `params(..)` name the struct `owner`.
fn operations_with_params<'a>(source: &'a str, owner: &str) -> Vec<(&'a str, &'a str)> {
    let mut found = Vec::new();
    let mut current = None;
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#[utoipa::path(") {
            let method = rest.split(',').next().unwrap_or_default().trim();
            let path = rest
                .split("path = \"")
                .nth(1)
                .and_then(|p| p.split('"').next());
            current = path.map(|path| (method, path));
        }
        let names_owner = line.starts_with("params(")
            && line
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word == owner);
        if let (true, Some(operation)) = (names_owner, current) {
            found.push(operation);
        }
    }
    found
}

/// A path as one JSON-pointer segment.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// Adds `limits` to a schema (or to the non-null branch of a nullable one).
fn merge(schema: &mut Value, limits: &Map<String, Value>) {
    let target = match schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        Some(branches) => branches.iter_mut().find(|b| b["type"] != "null"),
        None => Some(schema),
    };
    if let Some(Value::Object(target)) = target {
        for (key, value) in limits {
            target.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garde_attributes_become_schema_keywords() {
        let source = "pub struct CreateThing {\n    /// Title.\n    #[garde(length(min = 1, max = 200), custom(not_blank))]\n    pub title: String,\n    #[garde(inner(range(min = -1_000.0, max = 5.5)))]\n    pub score: Option<f64>,\n    #[garde(length(max = 20), dive)]\n    pub items: Vec<Item>,\n    #[garde(email, length(max = 254))]\n    pub email: String,\n    #[garde(custom(crate::validate::month))]\n    pub month: String,\n}\n";
        let found = rules(source);
        assert_eq!(found.len(), 5);
        assert_eq!(
            Value::Object(keywords(found[0].garde, found[0].ty)),
            json!({ "minLength": 1, "maxLength": 200, "pattern": "\\S" })
        );
        assert_eq!(
            Value::Object(keywords(found[1].garde, found[1].ty)),
            json!({ "minimum": -1000.0, "maximum": 5.5 })
        );
        assert_eq!(
            Value::Object(keywords(found[2].garde, found[2].ty)),
            json!({ "maxItems": 20 })
        );
        assert_eq!(
            Value::Object(keywords(found[3].garde, found[3].ty)),
            json!({ "format": "email", "maxLength": 254 })
        );
        assert_eq!(
            keywords(found[4].garde, found[4].ty)["pattern"],
            r"^[0-9]{4}-(0[1-9]|1[0-2])$"
        );
        let handlers = "#[utoipa::path(get, path = \"/api/v1/things\", tag = \"x\",\n    params(ThingQuery),\n#[utoipa::path(get, path = \"/api/v1/other\",\n    params(OtherQuery),";
        assert_eq!(
            operations_with_params(handlers, "ThingQuery"),
            [("get", "/api/v1/things")]
        );
    }

    #[test]
    fn every_source_with_garde_rules_is_read() {
        let total: usize = SOURCES.iter().map(|(_, s)| rules(s).len()).sum();
        let attributes: usize = SOURCES
            .iter()
            .map(|(_, s)| {
                s.lines()
                    .filter(|l| {
                        let l = l.trim();
                        l.starts_with("#[garde(") && l != "#[garde(allow_unvalidated)]"
                    })
                    .count()
            })
            .sum();
        assert_eq!(
            total, attributes,
            "every field attribute is found on its field"
        );
        // And no file with garde rules is left out.
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for dir in ["dto/src", "server/src/routes"] {
            for entry in std::fs::read_dir(crates.join(dir)).expect("a source folder") {
                let path = entry.expect("an entry").path();
                let text = std::fs::read_to_string(&path).expect("a source file");
                let name = format!(
                    "{dir}/{}",
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default()
                );
                if text.contains("#[garde(") {
                    assert!(
                        SOURCES.iter().any(|(source, _)| *source == name),
                        "{name} has garde rules: add it to SOURCES"
                    );
                }
            }
        }
    }
}
