//! The layers' rules the compiler does not check by itself (ARCHITECTURE.md, "Invariants"), read
//! from each crate's manifest and source:
//! - `domain`, `dto` and `persistence` know nothing of HTTP: no `actix` in their dependencies or
//!   their code;
//! - `domain` does no IO: no runtime, files, sockets or HTTP client;
//! - the server speaks to the database only through `persistence`: no `sea_orm` in its code.
//!
//! That `domain` and `dto` build for the browser is checked where the browser app is built:
//! `cargo xtask test` lints `frontend`, which uses both, for `wasm32-unknown-unknown`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                found.push((path, text));
            }
        }
    }
    assert!(found.len() > 3, "{}: its sources are read", dir.display());
    found
}

/// The places in `krate`'s manifest and source that name any of `words` (as a path or a
/// dependency), outside comments.
fn naming(krate: &str, words: &[&str]) -> Vec<String> {
    let dir = root().join(krate);
    let manifest = dir.join("Cargo.toml");
    let mut files = sources(&dir.join("src"));
    let text = std::fs::read_to_string(&manifest).expect("the manifest reads");
    files.push((manifest, text));
    let mut found = Vec::new();
    for (path, text) in files {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let code = code.split('#').next().unwrap_or_default();
            for word in words {
                let named = code.match_indices(word).any(|(at, _)| {
                    let before = code[..at].chars().next_back();
                    let after = code[at + word.len()..].chars().next();
                    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    !part(before) && !part(after)
                });
                if named {
                    found.push(format!(
                        "{}:{}: {}",
                        path.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn only_the_server_knows_http() {
    for krate in ["crates/domain", "crates/dto", "crates/persistence"] {
        let found = naming(krate, &["actix", "actix_web", "actix-web", "actix-ws"]);
        assert!(
            found.is_empty(),
            "{krate} names actix:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn the_domain_does_no_io() {
    let io = [
        "tokio",
        "std::fs",
        "std::net",
        "reqwest",
        "ureq",
        "sea_orm::Database",
    ];
    let found = naming("crates/domain", &io);
    assert!(found.is_empty(), "domain does IO:\n{}", found.join("\n"));
}

#[test]
fn the_server_reaches_the_database_through_persistence() {
    let found = naming("crates/server", &["sea_orm", "sea-orm"]);
    let code: Vec<_> = found
        .iter()
        .filter(|at| !at.contains("Cargo.toml"))
        .collect();
    assert!(code.is_empty(), "the server names sea_orm:\n{found:#?}");
}

#[test]
fn a_rule_finds_what_breaks_it() {
    // The reader itself: it finds a word the domain names, and not a part of one.
    assert!(!naming("crates/domain", &["policy"]).is_empty());
    assert!(naming("crates/domain", &["polic"]).is_empty());
}
