//! `junit`: a JUnit XML report, for CI systems that show test results.
//!
//! ```text
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="nbtidy" tests="1" failures="1">
//!   <testsuite name="a.ipynb" tests="1" failures="1">
//!     <testcase name="F401 cell 2:1:8" classname="a.ipynb" file="a.ipynb" line="12">
//!       <failure message="`os` imported but unused" type="F401">a.ipynb:cell 2:1:8: `os` imported but unused (file line 12)</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One suite per notebook with findings, one failing test case per finding (`file` and `line`,
//! the line of the `.ipynb` file, are for tools that link to the source). Notebook-level findings
//! are named by their file position (`NB011 30:2`). With no findings at all the report holds one
//! passing test case named `nbtidy`, so CI sees a result.
//!
//! Text is escaped with [`nbtidy_safe_text::escape_xml`]: `& < > " '` as entities (in attributes
//! also tab and line breaks, which attribute parsing would otherwise turn into spaces); characters
//! XML 1.0 cannot carry (control characters other than tab, newline and carriage return; U+FFFE,
//! U+FFFF), the C1 controls it discourages, bidirectional controls and line separators are written
//! as `\u{..}`, as the text formats do: the report stays well-formed and shows what was there.

use std::fmt::Write as _;

use nbtidy_safe_text::escape_xml as escape;

use crate::FileDiagnostics;

pub(super) fn render(files: &[FileDiagnostics]) -> String {
    let total: usize = files.iter().map(|file| file.diagnostics.len()).sum();
    let suites: String = files.iter().map(suite).collect();
    document(total, &suites)
}

/// The report around `suites` (what [`suite`] gave for each file), `total` findings in all.
pub(super) fn document(total: usize, suites: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if total == 0 {
        out.push_str(
            "<testsuites name=\"nbtidy\" tests=\"1\" failures=\"0\">\n  \
             <testsuite name=\"nbtidy\" tests=\"1\" failures=\"0\">\n    \
             <testcase name=\"nbtidy\" classname=\"nbtidy\"/>\n  \
             </testsuite>\n\
             </testsuites>\n",
        );
        return out;
    }
    let _ = writeln!(
        out,
        "<testsuites name=\"nbtidy\" tests=\"{total}\" failures=\"{total}\">"
    );
    out.push_str(suites);
    out.push_str("</testsuites>\n");
    out
}

/// One file's `<testsuite>` (empty for a file without findings).
pub(super) fn suite(file: &FileDiagnostics) -> String {
    let mut out = String::new();
    if file.diagnostics.is_empty() {
        return out;
    }
    {
        let path = escape(&file.path, true);
        let count = file.diagnostics.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{count}\" failures=\"{count}\">"
        );
        for diagnostic in &file.diagnostics {
            let location = &diagnostic.location;
            let place = match location.cell {
                Some(cell) => format!(
                    "cell {cell}:{}:{}",
                    location.start.row, location.start.column
                ),
                None => format!("{}:{}", location.file_start.row, location.file_start.column),
            };
            let line = location.file_start.row;
            let _ = writeln!(
                out,
                "    <testcase name=\"{} {place}\" classname=\"{path}\" file=\"{path}\" line=\"{line}\">",
                escape(diagnostic.code, true)
            );
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&diagnostic.message, true),
                escape(diagnostic.code, true),
                escape(
                    &format!(
                        "{}:{place}: {} (file line {line})",
                        file.path, diagnostic.message
                    ),
                    false
                ),
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out
}
