//! End-to-end tests of which notebooks and cells `nbtidy format` treats as Python: the notebook's
//! language, cell magics, automagics, IPython syntax, trailing semicolons and VS Code cell
//! languages.

mod common;

use common::{Project, build, cell, code_notebook, python_metadata};
use serde_json::json;

/// Formats `original` in place and returns the run's exit code and the file's new text.
fn format(original: &str) -> (i32, String) {
    let project = Project::new();
    project.write("nb.ipynb", original);
    let run = project.run(&["format", "nb.ipynb"]);
    (run.code, project.read("nb.ipynb"))
}

#[test]
fn an_r_notebook_is_left_byte_identical() {
    let original = build(
        &[cell("code", "x=1"), cell("code", "y<-c(1,2)")],
        json!({
            "kernelspec": {"display_name": "R", "language": "R", "name": "ir"},
            "language_info": {"name": "R"}
        }),
    );
    assert_eq!(format(&original), (0, original));
}

#[test]
fn a_julia_notebook_is_left_byte_identical() {
    let original = build(
        &[cell("code", "x=1")],
        json!({"language_info": {"name": "julia", "version": "1.10.0"}}),
    );
    assert_eq!(format(&original), (0, original));
}

#[test]
fn a_kernelspec_language_alone_decides() {
    let original = build(
        &[cell("code", "x=1")],
        json!({"kernelspec": {"display_name": "Scala", "language": "scala", "name": "scala"}}),
    );
    assert_eq!(format(&original), (0, original));
}

#[test]
fn a_notebook_without_any_language_is_python() {
    // Colab and some generators write no kernelspec or language_info at all.
    let (code, text) = format(&build(&[cell("code", "x=1")], json!({})));
    assert_eq!(code, 0);
    assert_eq!(text, build(&[cell("code", "x = 1")], json!({})));
}

#[test]
fn cell_magics_with_non_python_bodies_are_left_alone() {
    let cells = [
        "%%bash\nx=1\necho  $x",
        "%%writefile helper.py\nx=1",
        "%%html\n<b>x=1</b>",
        "%%javascript\nvar x=1",
        "%%sql\nSELECT  *  FROM t",
    ];
    let original = code_notebook(&cells);
    let mut with_python = cells.to_vec();
    with_python.push("y=2");
    let (code, text) = format(&code_notebook(&with_python));
    assert_eq!(code, 0);
    let mut expected = cells.to_vec();
    expected.push("y = 2");
    assert_eq!(text, code_notebook(&expected));
    assert_eq!(format(&original), (0, original));
}

#[test]
fn cell_magics_with_python_bodies_are_formatted() {
    let (code, text) = format(&code_notebook(&[
        "%%time\nx=1",
        "%%capture out\ny=[1,2]",
        "%%timeit -n 10\nsum( range(10) )",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        text,
        code_notebook(&[
            "%%time\nx = 1",
            "%%capture out\ny = [1, 2]",
            "%%timeit -n 10\nsum(range(10))",
        ])
    );
}

#[test]
fn automagic_cells_are_left_alone() {
    let cells = ["cd /tmp", "pip install numpy==1.26", "ls -la", "pwd"];
    let original = code_notebook(&cells);
    assert_eq!(format(&original), (0, original));
}

#[test]
fn a_name_that_looks_like_an_automagic_but_is_assigned_is_python() {
    let (code, text) = format(&code_notebook(&["cd=1", "ls = [1,2]"]));
    assert_eq!(code, 0);
    assert_eq!(text, code_notebook(&["cd = 1", "ls = [1, 2]"]));
}

#[test]
fn ipython_lines_are_kept_around_formatted_python() {
    let (code, text) = format(&code_notebook(&[
        "!pip install x\n%matplotlib inline\nimport numpy as np\nx=np.arange(3)\nx?\nnp.sum??",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        text,
        code_notebook(&[
            "!pip install x\n%matplotlib inline\nimport numpy as np\n\nx = np.arange(3)\nx?\nnp.sum??",
        ])
    );
}

#[test]
fn shell_and_magic_assignments_are_kept() {
    let (code, text) = format(&code_notebook(&[
        "files = !ls\nt = %time  sum(range(3))\ny=1",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        text,
        code_notebook(&["files = !ls\nt = %time  sum(range(3))\ny = 1"])
    );
}

#[test]
fn trailing_semicolons_that_hide_output_are_kept() {
    let (code, text) = format(&code_notebook(&[
        "import math;",
        "x=[1,2]\nplt.plot(x);  # hide",
        "a=1;",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        text,
        code_notebook(&["import math;", "x = [1, 2]\nplt.plot(x);  # hide", "a = 1;",])
    );
}

#[test]
fn a_cell_marked_as_another_language_by_vs_code_is_left_alone() {
    let cells = [
        cell("code", "var x=1").with_metadata(json!({"vscode": {"languageId": "javascript"}})),
        cell("code", "x=1").with_metadata(json!({"vscode": {"languageId": "python"}})),
        cell("code", "y=2"),
    ];
    let (code, text) = format(&build(&cells, python_metadata()));
    assert_eq!(code, 0);
    let expected = [
        cells[0].clone(),
        cell("code", "x = 1").with_metadata(json!({"vscode": {"languageId": "python"}})),
        cell("code", "y = 2"),
    ];
    assert_eq!(text, build(&expected, python_metadata()));
}

#[test]
fn markdown_and_raw_cells_are_never_touched() {
    let cells = [
        cell("markdown", "```python\nx=1\n```"),
        cell("raw", "x=1"),
        cell("code", "x=1"),
    ];
    let (code, text) = format(&build(&cells, python_metadata()));
    assert_eq!(code, 0);
    let expected = [cells[0].clone(), cells[1].clone(), cell("code", "x = 1")];
    assert_eq!(text, build(&expected, python_metadata()));
}

#[test]
fn empty_and_blank_cells_are_fine() {
    let (code, text) = format(&code_notebook(&["", "\n\n", "x=1\n\n\n"]));
    assert_eq!(code, 0);
    assert_eq!(text, code_notebook(&["", "", "x = 1"]));
}

#[test]
fn an_automagic_line_as_the_whole_body_of_a_python_cell_magic_is_left_alone() {
    let original = code_notebook(&["%%time\ncd /tmp", "%%capture\npip install x"]);
    assert_eq!(format(&original), (0, original));
}
