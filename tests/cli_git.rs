//! `nbtidy git`: the drivers with real `git` in scratch repositories (issue 15). Realistic
//! content comes from copies of `../shared/corpus` notebooks.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Project, Run, jupyter_json, nbtidy_command};
use nbtidy_notebook::Notebook;
use serde_json::{Value, json};

/// A notebook with cell ids (nbformat 4.5), code cells with outputs.
const WITH_IDS: &str =
    "huggingface__notebooks/sagemaker__17_custom_inference_script__sagemaker-notebook.ipynb";
/// A notebook without ids (nbformat 4.0), code cells with outputs.
const WITHOUT_IDS: &str = "ipython__ipython/examples__IPython Kernel__Script Magics.ipynb";

fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A scratch repository (its own HOME: no global or system git configuration leaks in).
struct Repo {
    project: Project,
}

impl Repo {
    fn new() -> Self {
        let repo = Repo {
            project: Project::new(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    fn root(&self) -> &Path {
        self.project.root()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("git");
        command
            .args(args)
            .current_dir(self.root())
            .env("HOME", self.root())
            .env("XDG_CONFIG_HOME", self.root().join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("NBTIDY_TEST_PANIC");
        command
    }

    /// Runs git; the output whatever the exit code.
    fn git_run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().expect("run git");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs git and asserts it succeeded; its stdout.
    #[track_caller]
    fn git(&self, args: &[&str]) -> String {
        let run = self.git_run(args);
        assert_eq!(
            run.code, 0,
            "git {args:?} failed\n{}\n{}",
            run.stdout, run.stderr
        );
        run.stdout
    }

    fn nbtidy(&self, args: &[&str]) -> Run {
        let output = nbtidy_command(self.root())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("run nbtidy");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        self.project.write(path, contents);
    }

    fn read(&self, path: &str) -> Vec<u8> {
        self.project.read_bytes(path)
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn blob(&self, path: &str) -> Vec<u8> {
        self.command(&["show", &format!("HEAD:{path}")])
            .output()
            .expect("git show")
            .stdout
    }

    /// The repository with only the merge driver (and the diff driver) configured: the blobs
    /// keep what the test puts in them.
    fn with_merge_driver() -> Self {
        let repo = Repo::new();
        repo.nbtidy(&["git", "install"]).assert_code(0);
        repo.git(&["config", "--unset", "filter.nbtidy.clean"]);
        repo.git(&["config", "--unset", "filter.nbtidy.process"]);
        repo
    }

    /// Commits `base` as `nb.ipynb` on `main`, `theirs` on branch `other`, `ours` on `main`, and
    /// merges `other` into `main`: git's exit code and the merged file.
    fn merge(&self, base: &[u8], ours: &[u8], theirs: &[u8]) -> (Run, Vec<u8>) {
        self.write("nb.ipynb", base);
        self.commit_all("base");
        self.git(&["checkout", "-q", "-b", "other"]);
        self.write("nb.ipynb", theirs);
        self.commit_all("theirs");
        self.git(&["checkout", "-q", "main"]);
        self.write("nb.ipynb", ours);
        self.commit_all("ours");
        let run = self.git_run(&["merge", "-q", "--no-edit", "other"]);
        (run, self.read("nb.ipynb"))
    }
}

fn parse(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|err| {
        panic!(
            "not valid JSON ({err}):\n{}",
            String::from_utf8_lossy(bytes)
        )
    })
}

fn text_of(source: &Value) -> String {
    match source {
        Value::String(text) => text.clone(),
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        _ => panic!("not a source: {source}"),
    }
}

fn sources(bytes: &[u8]) -> Vec<String> {
    parse(bytes)["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|cell| text_of(&cell["source"]))
        .collect()
}

/// The bytes of each cell object of a notebook.
fn cell_texts(bytes: &[u8]) -> Vec<String> {
    let notebook = Notebook::parse(bytes).expect("a notebook");
    let (_, spans) = notebook.cell_spans().expect("cells");
    spans
        .into_iter()
        .map(|span| notebook.text()[span].to_owned())
        .collect()
}

/// Every byte of `ours` outside its cells `changed` (and outside the cells list, when cells were
/// added, moved or deleted) is in `result`: the text before the first cell and after the last is
/// the same, and every other cell of ours is in the result byte for byte.
#[track_caller]
fn assert_keeps_ours(result: &[u8], ours: &[u8], changed: &[usize]) {
    let (r, o) = (
        std::str::from_utf8(result).unwrap(),
        std::str::from_utf8(ours).unwrap(),
    );
    let result_cells = cell_texts(result);
    for (j, cell) in cell_texts(ours).iter().enumerate() {
        if !changed.contains(&j) {
            assert!(
                result_cells.contains(cell),
                "cell {} of ours is not in the result byte for byte:\n{cell}",
                j + 1
            );
        }
    }
    let ours_nb = Notebook::parse(ours).unwrap();
    let (_, ours_spans) = ours_nb.cell_spans().unwrap();
    let result_nb = Notebook::parse(result).unwrap();
    let (_, result_spans) = result_nb.cell_spans().unwrap();
    assert_eq!(
        &r[..result_spans[0].start],
        &o[..ours_spans[0].start],
        "before the cells"
    );
    assert_eq!(
        &r[result_spans.last().unwrap().end..],
        &o[ours_spans.last().unwrap().end..],
        "after the cells"
    );
}

/// Replaces the one occurrence of `from` in `text`.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} is not unique");
    text.replacen(from, to, 1)
}

// ---------------------------------------------------------------------------------------------
// install, uninstall, status

#[test]
fn install_is_idempotent_and_uninstall_removes_only_its_own() {
    let repo = Repo::new();
    repo.nbtidy(&["git", "status"]).assert_code(1);
    let first = repo.nbtidy(&["git", "install"]);
    first.assert_code(0);
    assert!(
        first.stdout.contains("filter.nbtidy.clean"),
        "{}",
        first.stdout
    );
    let config = std::fs::read_to_string(repo.root().join(".git/config")).unwrap();
    let attributes = std::fs::read_to_string(repo.root().join(".git/info/attributes")).unwrap();
    assert!(attributes.contains("*.ipynb filter=nbtidy diff=nbtidy merge=nbtidy\n"));
    // Again: nothing changes.
    repo.nbtidy(&["git", "install"])
        .assert_code(0)
        .assert_stderr_contains("already installed");
    assert_eq!(
        std::fs::read_to_string(repo.root().join(".git/config")).unwrap(),
        config
    );
    assert_eq!(
        std::fs::read_to_string(repo.root().join(".git/info/attributes")).unwrap(),
        attributes
    );
    let status = repo.nbtidy(&["git", "status"]);
    status.assert_code(0);
    assert!(
        status.stdout.contains("notebook.ipynb: merge: nbtidy"),
        "{}",
        status.stdout
    );
    // Someone else's line in the attributes file stays.
    repo.write(".git/info/attributes", format!("*.csv -diff\n{attributes}"));
    repo.nbtidy(&["git", "uninstall"]).assert_code(0);
    assert_eq!(
        std::fs::read_to_string(repo.root().join(".git/info/attributes")).unwrap(),
        "*.csv -diff\n"
    );
    assert!(
        repo.git_run(&["config", "--get", "filter.nbtidy.clean"])
            .code
            == 1
    );
    assert!(
        repo.git_run(&["config", "--get", "merge.nbtidy.driver"])
            .code
            == 1
    );
    repo.nbtidy(&["git", "uninstall"])
        .assert_code(0)
        .assert_stderr_contains("not installed");
    repo.nbtidy(&["git", "status"]).assert_code(1);
}

#[test]
fn install_never_replaces_a_driver_that_is_not_nbtidys_without_force() {
    let repo = Repo::new();
    repo.git(&["config", "filter.nbtidy.clean", "my-own-cleaner"]);
    repo.write(".gitattributes", "*.ipynb filter=nbstripout\n");
    repo.nbtidy(&["git", "install", "--attributes", ".gitattributes"])
        .assert_code(2)
        .assert_stderr_contains("my-own-cleaner");
    assert_eq!(
        repo.git(&["config", "--get", "filter.nbtidy.clean"]),
        "my-own-cleaner\n"
    );
    assert_eq!(
        repo.git_run(&["config", "--get", "merge.nbtidy.driver"])
            .code,
        1,
        "nothing written"
    );
    let forced = repo.nbtidy(&[
        "git",
        "install",
        "--attributes",
        ".gitattributes",
        "--force",
    ]);
    forced
        .assert_code(0)
        .assert_stderr_contains("replacing `my-own-cleaner`")
        .assert_stderr_contains("*.ipynb filter=nbstripout");
    assert_eq!(
        String::from_utf8(repo.read(".gitattributes")).unwrap(),
        "*.ipynb filter=nbstripout\n*.ipynb filter=nbtidy diff=nbtidy merge=nbtidy\n"
    );
}

#[test]
fn a_global_install_writes_the_global_config_and_attributes() {
    let repo = Repo::new();
    repo.nbtidy(&["git", "install", "--global"]).assert_code(0);
    let global = std::fs::read_to_string(repo.root().join(".gitconfig")).unwrap();
    assert!(global.contains("[merge \"nbtidy\"]"), "{global}");
    let attributes = std::fs::read_to_string(repo.root().join(".config/git/attributes")).unwrap();
    assert_eq!(
        attributes,
        "*.ipynb filter=nbtidy diff=nbtidy merge=nbtidy\n"
    );
    repo.nbtidy(&["git", "status", "--global"]).assert_code(0);
    repo.nbtidy(&["git", "uninstall", "--global"])
        .assert_code(0);
    assert!(
        !std::fs::read_to_string(repo.root().join(".gitconfig"))
            .unwrap()
            .contains("nbtidy git")
    );
}

// ---------------------------------------------------------------------------------------------
// the clean filter

fn code_cells(value: &Value) -> Vec<&Value> {
    value["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|cell| cell["cell_type"] == "code")
        .collect()
}

#[test]
fn a_commit_through_the_filter_has_no_outputs_and_the_work_tree_keeps_them() {
    for process in [true, false] {
        let repo = Repo::new();
        repo.nbtidy(&["git", "install"]).assert_code(0);
        if !process {
            // The one-shot filter (git older than 2.11, or the process entry removed).
            repo.git(&["config", "--unset", "filter.nbtidy.process"]);
        }
        let original = corpus(WITH_IDS);
        assert!(
            code_cells(&parse(original.as_bytes()))
                .iter()
                .any(|cell| !cell["outputs"].as_array().unwrap().is_empty())
        );
        repo.write("nb.ipynb", &original);
        repo.commit_all("add");
        let blob = repo.blob("nb.ipynb");
        let committed = parse(&blob);
        for cell in code_cells(&committed) {
            assert_eq!(cell["outputs"], json!([]));
            assert_eq!(cell["execution_count"], Value::Null);
        }
        // Only outputs and counts changed: the sources are the same, byte for byte.
        assert_eq!(sources(&blob), sources(original.as_bytes()));
        assert_eq!(
            repo.read("nb.ipynb"),
            original.as_bytes(),
            "the work tree keeps its outputs"
        );
        assert_eq!(
            repo.git(&["status", "--porcelain"]),
            "",
            "no phantom modification"
        );
        // The blob is what `check --fix` with the three rules makes of the file.
        repo.write("copy.ipynb", &original);
        repo.nbtidy(&[
            "check",
            "--select",
            "NB003,NB004,NB012",
            "--fix",
            "--unsafe-fixes",
            "copy.ipynb",
        ]);
        assert_eq!(repo.read("copy.ipynb"), blob);
        // Cleaning what is committed changes nothing (a checkout is not a modification).
        std::fs::remove_file(repo.root().join("nb.ipynb")).unwrap();
        repo.git(&["checkout", "--", "nb.ipynb"]);
        assert_eq!(repo.git(&["status", "--porcelain", "nb.ipynb"]), "");
    }
}

#[test]
fn editorconfig_and_tags_choose_what_is_kept() {
    let repo = Repo::new();
    repo.write(
        ".editorconfig",
        "root = true\n[keep/*.ipynb]\nnbtidy_rule.outputs-present = off\n",
    );
    repo.nbtidy(&["git", "install"]).assert_code(0);
    let cells = vec![
        json!({"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["keep-output"]}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["kept\n"]}], "source": ["print('kept')"]}),
        json!({"cell_type": "code", "execution_count": 2, "metadata": {"ExecuteTime": {"end_time": "2024-01-01T00:00:00Z"}}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["gone\n"]}], "source": ["print('gone')"]}),
    ];
    let text = jupyter_json(
        &json!({"cells": cells, "metadata": common::python_metadata(), "nbformat": 4, "nbformat_minor": 4}),
    );
    repo.write("nb.ipynb", &text);
    repo.write("keep/nb.ipynb", &text);
    repo.commit_all("add");
    let stripped = parse(&repo.blob("nb.ipynb"));
    assert_eq!(
        stripped["cells"][0]["outputs"][0]["text"],
        json!(["kept\n"])
    );
    assert_eq!(stripped["cells"][1]["outputs"], json!([]));
    assert_eq!(stripped["cells"][1]["metadata"], json!({}));
    assert_eq!(stripped["cells"][0]["execution_count"], Value::Null);
    let kept = parse(&repo.blob("keep/nb.ipynb"));
    assert_eq!(kept["cells"][1]["outputs"][0]["text"], json!(["gone\n"]));
    assert_eq!(kept["cells"][1]["execution_count"], Value::Null);
}

#[test]
fn a_notebook_the_filter_cannot_read_is_committed_unchanged_with_a_warning() {
    for process in [true, false] {
        let repo = Repo::new();
        repo.nbtidy(&["git", "install"]).assert_code(0);
        if !process {
            repo.git(&["config", "--unset", "filter.nbtidy.process"]);
        }
        let broken = b"{\"cells\": [ {\"outputs\": [1, 2]} \n";
        repo.write("broken.ipynb", broken);
        let add = repo.git_run(&["add", "broken.ipynb"]);
        assert_eq!(add.code, 0, "{}", add.stderr);
        assert!(
            add.stderr
                .contains("broken.ipynb: not cleaned, committed as it is"),
            "{}",
            add.stderr
        );
        repo.git(&["commit", "-q", "-m", "broken"]);
        assert_eq!(repo.blob("broken.ipynb"), broken);
    }
}

#[test]
fn the_filter_on_a_copy_of_the_whole_corpus_is_stable() {
    let repo = Repo::new();
    repo.nbtidy(&["git", "install"]).assert_code(0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut count = 0;
    for project in std::fs::read_dir(&root).unwrap() {
        let project = project.unwrap().path();
        if !project.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&project).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|ext| ext == "ipynb") {
                let name: PathBuf = Path::new("corpus")
                    .join(project.file_name().unwrap())
                    .join(file.file_name().unwrap());
                repo.write(name.to_str().unwrap(), std::fs::read(&file).unwrap());
                count += 1;
            }
        }
    }
    assert!(count > 400, "the corpus has {count} notebooks");
    repo.commit_all("corpus");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    // Checking the cleaned blobs out: cleaning them again changes nothing.
    std::fs::remove_dir_all(repo.root().join("corpus")).unwrap();
    repo.git(&["checkout", "--", "corpus"]);
    repo.git(&["update-index", "--really-refresh"]);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    // Every committed notebook is still a notebook.
    for line in repo.git(&["ls-files", "corpus"]).lines() {
        let bytes = repo.read(line);
        if Notebook::parse(&bytes).is_err() {
            continue;
        }
        assert!(Notebook::parse(&repo.blob(line)).is_ok(), "{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// the diff driver

#[test]
fn git_diff_shows_cells_and_summarized_outputs() {
    let repo = Repo::new();
    repo.nbtidy(&["git", "install"]).assert_code(0);
    repo.git(&["config", "--unset", "filter.nbtidy.clean"]);
    repo.git(&["config", "--unset", "filter.nbtidy.process"]);
    let original = corpus(WITHOUT_IDS);
    repo.write("nb.ipynb", &original);
    repo.commit_all("add");
    repo.write(
        "nb.ipynb",
        edit(&original, "hello from $BASH", "hello from bash $BASH"),
    );
    let diff = repo.git(&["diff", "nb.ipynb"]);
    assert!(
        diff.contains(" # cell 10 [code] execution_count=5\n %%bash\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-echo \"hello from $BASH\"\n+echo \"hello from bash $BASH\"\n"),
        "{diff}"
    );
    assert!(!diff.contains("\"source\""), "JSON is not shown: {diff}");
    repo.commit_all("edit");
    let log = repo.git(&["log", "-p", "-1", "nb.ipynb"]);
    assert!(log.contains("+echo \"hello from bash $BASH\""), "{log}");
    let shown = repo.nbtidy(&["git", "diff", "nb.ipynb"]);
    shown.assert_code(0);
    assert!(
        shown.stdout.contains("# output: stream stdout"),
        "{}",
        shown.stdout
    );
    assert!(
        !shown.stdout.contains("\"output_type\""),
        "{}",
        shown.stdout
    );
}

#[test]
fn with_the_filter_a_change_of_outputs_alone_is_no_change() {
    let repo = Repo::new();
    repo.nbtidy(&["git", "install"]).assert_code(0);
    let original = corpus(WITHOUT_IDS);
    repo.write("nb.ipynb", &original);
    repo.commit_all("add");
    repo.write(
        "nb.ipynb",
        edit(
            &original,
            "\"execution_count\": 5,",
            "\"execution_count\": 50,",
        ),
    );
    assert_eq!(repo.git(&["diff"]), "");
    // Git may list a file whose size changed as modified without running the filter (it trusts
    // the size); adding it records nothing new.
    repo.git(&["add", "nb.ipynb"]);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(repo.git(&["diff", "--cached"]), "");
    repo.write(
        "nb.ipynb",
        edit(&original, "hello from $BASH", "hello from bash $BASH"),
    );
    let diff = repo.git(&["diff"]);
    assert!(diff.contains(" # cell 10 [code]\n %%bash\n"), "{diff}");
    assert!(!diff.contains("execution_count"), "{diff}");
}

// ---------------------------------------------------------------------------------------------
// the merge driver

#[test]
fn edits_to_different_cells_merge_and_keep_the_current_bytes() {
    for name in [WITH_IDS, WITHOUT_IDS] {
        let repo = Repo::with_merge_driver();
        let base = corpus(name);
        let base_sources = sources(base.as_bytes());
        let (first, last) = (
            base_sources
                .iter()
                .position(|s| s.lines().count() >= 1)
                .unwrap(),
            base_sources.len() - 1,
        );
        let first_line = base_sources[first].lines().next().unwrap().to_owned();
        let last_line = base_sources[last].lines().last().unwrap().to_owned();
        let json_line = |line: &str| serde_json::to_string(line).unwrap();
        let ours = edit(
            &base,
            &json_line(&first_line)[..json_line(&first_line).len() - 1],
            &format!(
                "{}OURS",
                &json_line(&first_line)[..json_line(&first_line).len() - 1]
            ),
        );
        let theirs = edit(
            &base,
            &json_line(&last_line)[..json_line(&last_line).len() - 1],
            &format!(
                "{}THEIRS",
                &json_line(&last_line)[..json_line(&last_line).len() - 1]
            ),
        );
        let (run, merged) = repo.merge(base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
        assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
        let merged_sources = sources(&merged);
        assert!(merged_sources[first].contains("OURS"), "{name}");
        assert!(merged_sources[last].contains("THEIRS"), "{name}");
        assert_eq!(merged_sources.len(), base_sources.len());
        assert_keeps_ours(&merged, ours.as_bytes(), &[last]);
    }
}

#[test]
fn the_same_line_edited_on_both_sides_conflicts_inside_the_cell() {
    let repo = Repo::with_merge_driver();
    let base = corpus(WITH_IDS);
    let ours = edit(
        &base,
        "sagemaker --upgrade\"",
        "sagemaker --upgrade --quiet\"",
    );
    let theirs = edit(&base, "sagemaker --upgrade\"", "sagemaker==2.0\"");
    let (run, merged) = repo.merge(base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
    assert_ne!(run.code, 0, "git reports the conflict");
    assert!(run.stdout.contains("CONFLICT"), "{}", run.stdout);
    let merged_sources = sources(&merged);
    let conflicted: Vec<usize> = merged_sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.contains("<<<<<<< ours"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(conflicted.len(), 1);
    let cell = &merged_sources[conflicted[0]];
    assert!(
        cell.contains("<<<<<<< ours\n%pip install sagemaker --upgrade --quiet\n"),
        "{cell}"
    );
    assert!(
        cell.contains("=======\n%pip install sagemaker==2.0\n"),
        "{cell}"
    );
    assert!(cell.contains(">>>>>>> theirs"), "{cell}");
    assert_keeps_ours(&merged, ours.as_bytes(), &[conflicted[0]]);
    assert!(repo.git(&["status", "--porcelain"]).contains("UU nb.ipynb"));
}

#[test]
fn additions_deletions_and_reordering_merge() {
    for name in [WITH_IDS, WITHOUT_IDS] {
        let repo = Repo::with_merge_driver();
        let base_text = corpus(name);
        let base = parse(base_text.as_bytes());
        let cells = base["cells"].as_array().unwrap().clone();
        let n = cells.len();
        let new_cell = |text: &str, id: &str| {
            let mut cell = json!({"cell_type": "markdown", "metadata": {}, "source": [text]});
            if base["nbformat_minor"].as_u64().unwrap() >= 5 {
                cell["id"] = json!(id);
            }
            cell
        };
        // Ours: deletes cell 2, adds a cell at the end.
        let mut ours = base.clone();
        let mut ours_cells = cells.clone();
        ours_cells.remove(1);
        ours_cells.push(new_cell("added by ours", "ours-1"));
        ours["cells"] = json!(ours_cells);
        // Theirs: swaps cells 4 and 5, adds a cell after cell 3.
        let mut theirs = base.clone();
        let mut theirs_cells = cells.clone();
        theirs_cells.swap(3, 4);
        theirs_cells.insert(3, new_cell("added by theirs", "theirs-1"));
        theirs["cells"] = json!(theirs_cells);
        let ours_text = jupyter_json(&ours);
        let (run, merged) = repo.merge(
            jupyter_json(&base).as_bytes(),
            ours_text.as_bytes(),
            jupyter_json(&theirs).as_bytes(),
        );
        assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
        let text = |cell: &Value| text_of(&cell["source"]);
        let mut expected: Vec<String> = cells.iter().map(text).collect();
        expected.swap(3, 4);
        expected.insert(3, "added by theirs".to_owned());
        expected.remove(1);
        expected.push("added by ours".to_owned());
        assert_eq!(sources(&merged), expected, "{name}");
        assert_eq!(sources(&merged).len(), n + 1);
        assert_keeps_ours(&merged, ours_text.as_bytes(), &[]);
    }
}

/// A notebook of three code cells with outputs, ids when `ids`.
fn small(ids: bool, outputs: [&str; 3], counts: [Value; 3], sources: [&str; 3]) -> Value {
    let cells: Vec<Value> = (0..3)
        .map(|i| {
            let mut cell = json!({
                "cell_type": "code",
                "execution_count": counts[i],
                "metadata": {},
                "outputs": if outputs[i].is_empty() { json!([]) } else {
                    json!([{"name": "stdout", "output_type": "stream", "text": [outputs[i]]}])
                },
                "source": common::source_lines(sources[i]),
            });
            if ids {
                cell["id"] = json!(format!("cell-{i}"));
            }
            cell
        })
        .collect();
    json!({"cells": cells, "metadata": common::python_metadata(), "nbformat": 4, "nbformat_minor": if ids { 5 } else { 0 }})
}

#[test]
fn outputs_on_both_sides_never_conflict() {
    let null = || Value::Null;
    let base = small(
        true,
        ["", "", ""],
        [null(), null(), null()],
        ["a = 1", "b = 2", "c = 3"],
    );
    let ours = small(
        true,
        ["1\n", "", ""],
        [json!(1), null(), null()],
        ["a = 1", "b = 2", "c = 3"],
    );
    let theirs = small(
        true,
        ["one\n", "2\n", ""],
        [json!(4), json!(5), null()],
        ["a = 1", "b = 2", "c = 30"],
    );
    let repo = Repo::with_merge_driver();
    let (run, merged) = repo.merge(
        jupyter_json(&base).as_bytes(),
        jupyter_json(&ours).as_bytes(),
        jupyter_json(&theirs).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let merged = parse(&merged);
    // Both ran cell 1: the current side's; only theirs ran cell 2: theirs.
    assert_eq!(merged["cells"][0]["outputs"][0]["text"], json!(["1\n"]));
    assert_eq!(merged["cells"][0]["execution_count"], json!(1));
    assert_eq!(merged["cells"][1]["outputs"][0]["text"], json!(["2\n"]));
    assert_eq!(merged["cells"][1]["execution_count"], json!(5));
    assert_eq!(text_of(&merged["cells"][2]["source"]), "c = 30");
}

#[test]
fn metadata_merges_key_by_key() {
    let null = || Value::Null;
    let base = small(
        false,
        ["", "", ""],
        [null(), null(), null()],
        ["a", "b", "c"],
    );
    let mut ours = base.clone();
    ours["cells"][0]["metadata"] = json!({"tags": ["parameters"]});
    ours["metadata"]["authors"] = json!(["ours"]);
    let mut theirs = base.clone();
    theirs["cells"][0]["metadata"] = json!({"scrolled": true});
    theirs["cells"][1]["metadata"] = json!({"tags": ["skip"]});
    theirs["metadata"]["title"] = json!("Theirs");
    let repo = Repo::with_merge_driver();
    let ours_text = jupyter_json(&ours);
    let (run, merged) = repo.merge(
        jupyter_json(&base).as_bytes(),
        ours_text.as_bytes(),
        jupyter_json(&theirs).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let value = parse(&merged);
    assert_eq!(
        value["cells"][0]["metadata"],
        json!({"tags": ["parameters"], "scrolled": true})
    );
    assert_eq!(value["cells"][1]["metadata"], json!({"tags": ["skip"]}));
    assert_eq!(value["metadata"]["authors"], json!(["ours"]));
    assert_eq!(value["metadata"]["title"], json!("Theirs"));
    // Jupyter's layout for the merged objects.
    let text = String::from_utf8(merged).unwrap();
    assert!(text.contains("   \"metadata\": {\n    \"tags\": [\n     \"parameters\"\n    ],\n    \"scrolled\": true\n   },"), "{text}");
}

#[test]
fn an_image_pasted_on_one_branch_survives_a_text_edit_on_the_other() {
    // Jupyter stores a pasted image in the markdown cell's `attachments`; the merge must keep it
    // when the other branch edited the same cell's text.
    let markdown = |source: &str, attachments: Option<Value>| {
        let mut cell = json!({
            "cell_type": "markdown",
            "id": "notes",
            "metadata": {},
            "source": common::source_lines(source),
        });
        if let Some(attachments) = attachments {
            cell["attachments"] = attachments;
        }
        json!({"cells": [cell], "metadata": common::python_metadata(), "nbformat": 4, "nbformat_minor": 5})
    };
    let base = markdown("# Results\n\nThe model converges.\n", None);
    let ours = markdown("# Results of run 2\n\nThe model converges.\n", None);
    let image = json!({"chart.png": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}});
    let theirs = markdown(
        "# Results\n\nThe model converges.\n\n![chart](attachment:chart.png)",
        Some(image.clone()),
    );
    let repo = Repo::with_merge_driver();
    let (run, merged) = repo.merge(
        jupyter_json(&base).as_bytes(),
        jupyter_json(&ours).as_bytes(),
        jupyter_json(&theirs).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let value = parse(&merged);
    assert_eq!(value["cells"][0]["attachments"], image);
    assert_eq!(
        sources(&merged),
        ["# Results of run 2\n\nThe model converges.\n\n![chart](attachment:chart.png)"]
    );
    // Written as Jupyter writes it: the file reads back as nbformat does.
    assert_eq!(String::from_utf8(merged).unwrap(), jupyter_json(&value));
}

#[test]
fn a_branch_opened_in_a_newer_jupyter_merges_into_a_valid_4_5_notebook() {
    // The other branch's Jupyter moved the notebook to nbformat 4.5 (an id on every cell);
    // ours is still 4.4. The merge is 4.5 with an id on every cell: a notebook nbtidy's own
    // validity rules accept.
    let null = || Value::Null;
    let base = small(
        false,
        ["", "", ""],
        [null(), null(), null()],
        [
            "import os\nx = 1\n",
            "y = 2\nz = 3\n",
            "print(x)\nprint(y)\n",
        ],
    );
    let mut ours = base.clone();
    ours["cells"][0]["source"] = common::source_lines("import os\nx = 10\n");
    let mut theirs = small(
        true,
        ["", "", ""],
        [null(), null(), null()],
        [
            "import os\nx = 1\n",
            "y = 2\nz = 3\n",
            "print(x)\nprint(y, z)\n",
        ],
    );
    theirs["nbformat_minor"] = json!(5);
    let repo = Repo::with_merge_driver();
    let (run, merged) = repo.merge(
        jupyter_json(&base).as_bytes(),
        jupyter_json(&ours).as_bytes(),
        jupyter_json(&theirs).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let value = parse(&merged);
    assert_eq!(value["nbformat_minor"], json!(5));
    assert_eq!(
        sources(&merged),
        [
            "import os\nx = 10\n",
            "y = 2\nz = 3\n",
            "print(x)\nprint(y, z)\n"
        ]
    );
    let ids: Vec<&str> = value["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| cell["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["cell-0", "cell-1", "cell-2"]);
    let check = repo.nbtidy(&["check", "--select", "NB008,NB009,NB010", "nb.ipynb"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

#[test]
fn crlf_and_indentation_styles_keep_the_current_sides_layout() {
    let null = || Value::Null;
    let base = small(
        true,
        ["", "", ""],
        [null(), null(), null()],
        ["a = 1", "b = 2", "c = 3"],
    );
    let mut ours = base.clone();
    ours["cells"][0]["source"] = json!(["a = 10"]);
    let mut theirs = base.clone();
    theirs["cells"][2]["source"] = json!(["c = 30"]);
    theirs["cells"]
        .as_array_mut()
        .unwrap()
        .push(json!({"cell_type": "markdown", "id": "new", "metadata": {}, "source": ["new"]}));
    // Ours: CRLF, 2-space indentation; theirs and base: Jupyter's 1 space.
    let two_space = |value: &Value| {
        serde_json::to_string_pretty(value)
            .unwrap()
            .replace('\n', "\r\n")
            + "\r\n"
    };
    let ours_text = two_space(&ours);
    let repo = Repo::with_merge_driver();
    repo.git(&["config", "core.autocrlf", "false"]);
    let (run, merged) = repo.merge(
        jupyter_json(&base).as_bytes(),
        ours_text.as_bytes(),
        jupyter_json(&theirs).as_bytes(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(sources(&merged), ["a = 10", "b = 2", "c = 30", "new"]);
    let text = String::from_utf8(merged.clone()).unwrap();
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "CRLF only:\n{text}"
    );
    assert!(
        text.contains("\r\n    {\r\n      \"cell_type\": \"markdown\",\r\n      \"id\": \"new\","),
        "the added cell in the current layout:\n{text}"
    );
    assert_keeps_ours(&merged, ours_text.as_bytes(), &[2]);
}

#[test]
fn a_version_that_is_not_a_notebook_leaves_the_current_version_and_a_conflict() {
    let repo = Repo::with_merge_driver();
    let base = corpus(WITH_IDS);
    let ours = edit(
        &base,
        "sagemaker --upgrade\"",
        "sagemaker --upgrade --quiet\"",
    );
    let theirs = "{\"cells\": [oops";
    let (run, merged) = repo.merge(base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("not merged"), "{}", run.stderr);
    assert_eq!(merged, ours.as_bytes());
}

#[test]
fn an_internal_error_leaves_the_current_version_and_a_conflict() {
    let repo = Repo::with_merge_driver();
    let base = corpus(WITHOUT_IDS);
    let ours = edit(&base, "hello from $BASH", "hello PANIC-HERE");
    let theirs = edit(&base, "hello from $BASH", "hello from bash $BASH");
    repo.write("nb.ipynb", &base);
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write("nb.ipynb", &theirs);
    repo.commit_all("theirs");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("nb.ipynb", &ours);
    repo.commit_all("ours");
    let output = repo
        .command(&["merge", "-q", "--no-edit", "other"])
        .env("NBTIDY_TEST_PANIC", "PANIC-HERE")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("internal error"), "{stderr}");
    assert_eq!(repo.read("nb.ipynb"), ours.as_bytes());
}
