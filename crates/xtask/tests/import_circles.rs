//! No module of a crate uses, directly or through others, a module that uses it: each crate's
//! modules form layers that read one way (ARCHITECTURE.md). Read from the source: every
//! `crate::` path (in `use` trees too) and every `super::` path outside the tests at the end of a
//! file, taken as a use of the deepest module it names. Items of the crate root are left out, as
//! is a module's use of itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose modules are checked, from the workspace root.
const CRATES: [&str; 6] = [
    "crates/domain",
    "crates/dto",
    "crates/persistence",
    "crates/server",
    "crates/test-support",
    "frontend",
];

#[test]
fn no_crate_has_an_import_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut circles = Vec::new();
    for krate in CRATES {
        let modules = modules(&root.join(krate).join("src"));
        assert!(modules.len() > 3, "{krate}: its modules are read");
        let uses = uses(&modules);
        for circle in circles_of(&uses) {
            circles.push(format!("{krate}: {}", circle.join(" -> ")));
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

/// Each module of `src` by its path (`a::b`), with its file; the crate root is left out.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let relative = path.strip_prefix(src).unwrap_or(&path).with_extension("");
                let name = relative.to_string_lossy().replace('/', "::");
                if !matches!(name.as_str(), "lib" | "main") {
                    found.insert(name, path);
                }
            }
        }
    }
    found
}

/// For each module, the other modules it uses.
fn uses(modules: &BTreeMap<String, PathBuf>) -> BTreeMap<String, BTreeSet<String>> {
    modules
        .iter()
        .map(|(name, file)| {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let used = paths(&code_of(&text), name)
                .into_iter()
                .filter_map(|path| deepest_module(&path, modules))
                .filter(|used| used != name)
                .collect();
            (name.clone(), used)
        })
        .collect()
}

/// The text without comments and without the tests that end the file.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        if line.trim_start() == "#[cfg(test)]" {
            break;
        }
        let line = line.split("//").next().unwrap_or_default();
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// Every path from the crate root the code names: `crate::a::b::C`, `use crate::a::{b, c::D}`,
/// and `super::x` resolved against `module`.
fn paths(code: &str, module: &str) -> Vec<Vec<String>> {
    let parent: Vec<&str> = module.split("::").collect();
    let parent = &parent[..parent.len() - 1];
    let mut found = Vec::new();
    for (start, keyword) in starts(code) {
        let rest = &code[start + keyword.len()..];
        let tree = if rest.starts_with('{') || is_use(code, start) {
            rest.split(';').next().unwrap_or_default()
        } else {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
        };
        let mut expanded = Vec::new();
        expand("", tree, &mut expanded);
        for path in expanded {
            let mut segments: Vec<String> = if keyword == "super::" {
                parent.iter().map(|s| (*s).to_owned()).collect()
            } else {
                Vec::new()
            };
            segments.extend(
                path.split("::")
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "self")
                    .map(|s| s.split_whitespace().next().unwrap_or_default().to_owned()),
            );
            found.push(segments);
        }
    }
    found
}

/// Where `crate::` and `super::` paths begin (not `$crate::`, not a longer name's end).
fn starts(code: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for keyword in ["crate::", "super::"] {
        for (at, _) in code.match_indices(keyword) {
            let before = code[..at].chars().next_back();
            let part_of_name =
                before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':');
            if !part_of_name {
                found.push((at, keyword));
            }
        }
    }
    found
}

/// Whether the path at `start` is the root of a `use` tree (`use crate::{..}` spans to `;`).
fn is_use(code: &str, start: usize) -> bool {
    code[..start].trim_end().ends_with("use")
}

/// The paths of a use tree (`a::{b, c::{d, e}}`), each as `a::b`, `a::c::d`, ...
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    match (tree.find('{'), tree.rfind('}')) {
        (Some(open), Some(close)) if open < close => {
            let head = format!("{prefix}{}", &tree[..open]);
            let mut depth = 0;
            let mut from = open + 1;
            for (at, c) in tree[..close].char_indices().filter(|(at, _)| *at > open) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&head, &tree[from..at], out);
                        from = at + 1;
                    }
                    _ => {}
                }
            }
            expand(&head, &tree[from..close], out);
        }
        _ if tree.is_empty() => {}
        _ => out.push(format!("{prefix}{tree}")),
    }
}

/// The deepest module a path names, if it names one.
fn deepest_module(path: &[String], modules: &BTreeMap<String, PathBuf>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|len| path[..len].join("::"))
        .find(|name| modules.contains_key(name))
}

/// The circles among the modules: each strongly connected group of more than one, in order.
fn circles_of(uses: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut circles = Vec::new();
    let mut seen = BTreeSet::new();
    for start in uses.keys() {
        if seen.contains(start) {
            continue;
        }
        let group: BTreeSet<String> = reachable(uses, start)
            .into_iter()
            .filter(|other| reachable(uses, other).contains(start))
            .collect();
        seen.extend(group.iter().cloned());
        if group.len() > 1 {
            circles.push(group.into_iter().collect());
        }
    }
    circles
}

/// The modules `start` uses, directly or through others, and itself.
fn reachable(uses: &BTreeMap<String, BTreeSet<String>>, start: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::from([start.to_owned()]);
    let mut pending = vec![start.to_owned()];
    while let Some(module) = pending.pop() {
        for next in uses.get(&module).into_iter().flatten() {
            if found.insert(next.clone()) {
                pending.push(next.clone());
            }
        }
    }
    found
}

#[test]
fn a_circle_is_found() {
    let uses = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
        ("d".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(circles_of(&uses), [["a", "b", "c"]]);
}

#[test]
fn use_trees_and_super_paths_name_modules() {
    let code = "use crate::a::{b::{self, C}, d};\nfn f() { super::e::g(); crate::h::I::new(); }";
    let mut found = paths(code, "x::y");
    found.sort();
    let expected: Vec<Vec<String>> = [
        vec!["a", "b"],
        vec!["a", "b", "C"],
        vec!["a", "d"],
        vec!["h", "I", "new"],
        vec!["x", "e", "g"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| (*s).to_owned()).collect())
    .collect();
    assert_eq!(found, expected);
}
