//! `nbtidy server`: the language server (LSP 3.17 over stdio).
//!
//! This crate answers the editor: findings while you type, quick fixes, fix-all and formatting,
//! for notebook documents (`notebookDocument/*`, every cell of a `jupyter-notebook`), `.py`
//! files (one cell) and raw `.ipynb` files opened as JSON text. What it computes comes from the
//! CLI's pipeline ([`analysis`] maps it to the protocol); it never writes files.
//!
//! How it stays responsive and alive:
//! 1. One thread reads messages (`transport`: a malformed one is logged and skipped), the main
//!    loop keeps the documents, and one worker thread does the work (lint, format, fix, hover).
//! 2. Edits bump the document's generation. The main loop handles every message waiting before
//!    it queues a lint, so a burst of edits is linted once; the worker skips a lint whose
//!    document has changed since it was queued, and drops its result if it changed meanwhile.
//!    Formatting and code actions whose document changed while they ran answer
//!    `ContentModified` (stale results are never applied).
//! 3. `$/cancelRequest` marks a request; the worker answers `RequestCancelled` instead of doing
//!    it (or instead of its result).
//! 4. A panic in the work for one request is an `InternalError` answer for it (or a log line for
//!    a lint); bad parameters are `InvalidParams`; unknown methods `MethodNotFound`; a `didChange`
//!    outside the text is clamped to the text and logged.
//! 5. End of input (the client is gone) ends the server.

#![expect(
    clippy::mutable_key_type,
    reason = "lsp_types::Uri hashes and compares by its text; its interior cell only caches parsing"
)]

pub mod analysis;
pub mod text;
pub mod transport;

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic,
    DocumentDiagnosticParams, DocumentFormattingParams, DocumentRangeFormattingParams,
    ExecuteCommandParams, Hover, HoverContents, HoverParams, MarkupContent, MarkupKind,
    NotebookCellKind, TextDocumentContentChangeEvent, Uri, WorkspaceEdit,
};
use nbtidy_config::Resolver;
use nbtidy_lint::SelectionArgs;
use nbtidy_pipeline::SelectionCache;
use serde_json::{Map, Value, json};

use analysis::{CellSnap, Settings, Snapshot};
use text::Encoding;
use transport::Incoming;

/// The fix-all code action kind for one document (a cell: that cell's edits, computed over the
/// whole notebook).
pub const FIX_ALL: &str = "source.fixAll.nbtidy";
/// The fix-all code action kind for a notebook: edits of every cell that needs one, whatever
/// cell the client names.
pub const NOTEBOOK_FIX_ALL: &str = "notebook.source.fixAll.nbtidy";
/// `workspace/executeCommand`: fix everything in the document (or notebook) `arguments[0]`
/// (`{"uri": ...}` or the URI).
pub const COMMAND_FIX_ALL: &str = "nbtidy.applyFixAll";

/// The code action kind that sorts the imports of a document (a cell: that cell, with the whole
/// notebook's semantics): `I001`'s fixes, whatever rules `.editorconfig` selects, as ruff does.
pub const ORGANIZE_IMPORTS: &str = "source.organizeImports.nbtidy";

/// The notebook code action kind that sorts the imports of every cell, whatever cell is passed.
pub const NOTEBOOK_ORGANIZE_IMPORTS: &str = "notebook.source.organizeImports.nbtidy";
/// `workspace/executeCommand`: format the document (or every cell of the notebook).
pub const COMMAND_FORMAT: &str = "nbtidy.applyFormat";

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The stdio threads could not be started.
    #[error("cannot start the language server: {0}")]
    Io(#[from] std::io::Error),
    /// `exit` came before `shutdown` (the protocol asks for exit code 1).
    #[error("the client sent `exit` without `shutdown`")]
    ExitWithoutShutdown,
}

/// Runs the server on stdin/stdout until the client sends `exit` or goes away.
///
/// # Errors
/// See [`ServerError`].
pub fn run() -> Result<(), ServerError> {
    let (sender, receiver, writer) = transport::stdio()?;
    let result = serve(&sender, &receiver);
    drop(sender);
    let _ = writer.join();
    result
}

/// The protocol loop over any transport (the tests use channels).
///
/// # Errors
/// See [`ServerError`].
pub fn serve(sender: &Sender<Message>, receiver: &Receiver<Incoming>) -> Result<(), ServerError> {
    // 1. Until `initialize`: requests answered `ServerNotInitialized`, notifications dropped.
    let (id, params) = loop {
        let Ok(incoming) = receiver.recv() else {
            return Ok(());
        };
        match incoming {
            Incoming::Message(Message::Request(request)) if request.method == "initialize" => {
                break (request.id, request.params);
            }
            Incoming::Message(Message::Request(request)) => {
                let _ = sender.send(error(
                    request.id,
                    ErrorCode::ServerNotInitialized,
                    "the server is not initialized yet",
                ));
            }
            Incoming::Message(Message::Notification(n)) if n.method == "exit" => {
                return Err(ServerError::ExitWithoutShutdown);
            }
            Incoming::Malformed { id: Some(id), .. } => {
                let _ = sender.send(error(id, ErrorCode::InvalidRequest, "malformed request"));
            }
            _ => {}
        }
    };
    let mut server = Server::new(sender.clone(), &params);
    let _ = sender.send(Message::Response(Response::new_ok(
        id,
        server.initialize_result(),
    )));
    // 2. The loop: handle everything waiting, then queue the lints it calls for.
    loop {
        let Ok(incoming) = receiver.recv() else {
            return Ok(());
        };
        if let Some(done) = server.handle(incoming) {
            return done;
        }
        while let Ok(incoming) = receiver.try_recv() {
            if let Some(done) = server.handle(incoming) {
                return done;
            }
        }
        server.queue_lints();
    }
}

fn error(id: RequestId, code: ErrorCode, message: &str) -> Message {
    Message::Response(Response::new_err(id, code as i32, message.to_owned()))
}

/// A text document the server keeps: a `.py` file or a raw `.ipynb`.
struct TextDoc {
    text: Arc<String>,
    ipynb: bool,
}

/// A notebook document: its cells in order (their texts are in `Server::cells`).
struct NotebookDoc {
    metadata: Option<Map<String, Value>>,
    cells: Vec<NotebookCellEntry>,
}

struct NotebookCellEntry {
    uri: Uri,
    code: bool,
    metadata: Option<Map<String, Value>>,
}

/// A cell's text document.
struct CellDoc {
    text: Arc<String>,
    language: String,
}

/// What the main loop and the worker share.
struct Shared {
    sender: Sender<Message>,
    encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`): nothing is pushed.
    pull: bool,
    /// The latest generation of each document (by its key: the notebook's or file's URI).
    generations: Mutex<HashMap<Uri, u64>>,
    /// Requests the client cancelled that have not been answered yet.
    cancelled: Mutex<HashSet<RequestId>>,
    /// Where settings come from (replaced when an `.editorconfig` changes).
    settings: RwLock<Arc<SettingsSource>>,
    /// Settings problems already shown to the user.
    shown: Mutex<HashSet<String>>,
    /// Ids of the requests the server sends.
    next_id: AtomicI32,
}

/// The settings resolver and the rule selections it gave.
struct SettingsSource {
    resolver: Resolver,
    selections: SelectionCache,
    /// The workspace root (for `configurationRoot`).
    root: Option<PathBuf>,
    /// A client setting: resolve settings as if the documents were under this directory.
    config_root: Option<PathBuf>,
}

impl SettingsSource {
    fn new(root: Option<PathBuf>, config_root: Option<PathBuf>) -> Self {
        SettingsSource {
            resolver: nbtidy_lint::resolver(nbtidy_config::Overrides::default()),
            selections: SelectionCache::default(),
            root,
            config_root,
        }
    }

    /// The path whose `.editorconfig` sections apply to a document at `path`.
    fn settings_path(&self, path: &Path) -> PathBuf {
        let Some(config_root) = &self.config_root else {
            return path.to_owned();
        };
        let relative = self
            .root
            .as_ref()
            .and_then(|root| path.strip_prefix(root).ok())
            .map(Path::to_owned)
            .or_else(|| path.file_name().map(PathBuf::from))
            .unwrap_or_default();
        config_root.join(relative)
    }
}

impl Shared {
    fn generation(&self, key: &Uri) -> u64 {
        lock(&self.generations).get(key).copied().unwrap_or(0)
    }

    /// `true` (and forgotten) when the client cancelled `id`.
    fn take_cancelled(&self, id: &RequestId) -> bool {
        lock(&self.cancelled).remove(id)
    }

    fn notify(&self, method: &str, params: Value) {
        let _ = self.sender.send(Message::Notification(Notification::new(
            method.to_owned(),
            params,
        )));
    }

    fn respond(&self, response: Response) {
        lock(&self.cancelled).remove(&response.id);
        let _ = self.sender.send(Message::Response(response));
    }

    /// A line in the client's log (`window/logMessage`); `kind` 1 error, 2 warning, 3 info, 4 log.
    fn log(&self, kind: u8, message: &str) {
        self.notify(
            "window/logMessage",
            json!({"type": kind, "message": nbtidy_safe_text::escape_keeping_lines(&nbtidy_safe_text::redact(message))}),
        );
    }

    /// Shows a settings problem once (`window/showMessage`), and logs it.
    fn show_once(&self, message: &str) {
        if lock(&self.shown).insert(message.to_owned()) {
            let text = nbtidy_safe_text::escape(&nbtidy_safe_text::redact(message)).into_owned();
            self.notify("window/showMessage", json!({"type": 2, "message": text}));
            self.log(2, message);
        }
    }

    fn request(&self, method: &str, params: Value) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let _ = self.sender.send(Message::Request(Request::new(
            RequestId::from(format!("nbtidy-{id}")),
            method.to_owned(),
            params,
        )));
    }

    /// The settings of a document at `path`.
    fn settings(&self, path: &Path) -> Settings {
        let source = Arc::clone(&self.settings.read().unwrap_or_else(PoisonError::into_inner));
        let resolved = match source.resolver.resolve(&source.settings_path(path)) {
            Ok(resolved) => resolved,
            Err(err) => {
                let message = format!("{}: {err}", path.display());
                self.show_once(&message);
                return Settings::Invalid(message);
            }
        };
        if nbtidy_pipeline::has_invalid_value(&resolved) {
            let problems: Vec<String> = resolved
                .warnings
                .iter()
                .filter(|w| w.is_error())
                .map(ToString::to_string)
                .collect();
            let message = format!(
                "{}; nbtidy does not lint or format the documents it applies to",
                problems.join("; ")
            );
            self.show_once(&message);
            return Settings::Invalid(message);
        }
        if !resolved.settings.enabled.value {
            return Settings::Off;
        }
        let selection = source.selections.get(&resolved, &SelectionArgs::default());
        let errors: Vec<String> = selection
            .1
            .iter()
            .filter(|p| p.is_error())
            .map(ToString::to_string)
            .collect();
        if !errors.is_empty() {
            let message = format!(
                "{}; nbtidy does not lint or format the documents it applies to",
                errors.join("; ")
            );
            self.show_once(&message);
            return Settings::Invalid(message);
        }
        Settings::Use(Box::new(resolved), selection)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Work for the worker thread.
type Job = Box<dyn FnOnce(&Shared) + Send>;

/// The server's state, owned by the main loop.
struct Server {
    shared: Arc<Shared>,
    jobs: Sender<Job>,
    texts: HashMap<Uri, TextDoc>,
    notebooks: HashMap<Uri, NotebookDoc>,
    cells: HashMap<Uri, CellDoc>,
    /// Cell URI → its notebook's URI.
    owners: HashMap<Uri, Uri>,
    /// Documents edited since their last lint was queued.
    dirty: HashSet<Uri>,
    counter: u64,
    shutdown: bool,
    watch_files: bool,
    refresh: bool,
    root: Option<PathBuf>,
}

impl Server {
    fn new(sender: Sender<Message>, params: &Value) -> Self {
        let capabilities = &params["capabilities"];
        let encodings: Vec<&str> = capabilities
            .pointer("/general/positionEncodings")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let encoding = if encodings.contains(&"utf-8") {
            Encoding::Utf8
        } else if encodings.contains(&"utf-16") || !encodings.contains(&"utf-32") {
            Encoding::Utf16
        } else {
            Encoding::Utf32
        };
        let root = params
            .pointer("/workspaceFolders/0/uri")
            .or_else(|| params.get("rootUri"))
            .and_then(Value::as_str)
            .and_then(|uri| uri.parse::<Uri>().ok())
            .and_then(|uri| uri_path(&uri));
        let config_root = params
            .pointer("/initializationOptions/configurationRoot")
            .and_then(Value::as_str)
            .filter(|root| !root.is_empty())
            .map(PathBuf::from);
        let shared = Arc::new(Shared {
            sender,
            encoding,
            pull: capabilities.pointer("/textDocument/diagnostic").is_some(),
            generations: Mutex::default(),
            cancelled: Mutex::default(),
            settings: RwLock::new(Arc::new(SettingsSource::new(root.clone(), config_root))),
            shown: Mutex::default(),
            next_id: AtomicI32::new(1),
        });
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let worker_shared = Arc::clone(&shared);
        // Parsing recurses once per level of a cell's nesting (bounded by nbtidy_python): the
        // worker gets the stack that bound needs.
        let spawned = std::thread::Builder::new()
            .name("nbtidy-lsp-worker".to_owned())
            .stack_size(nbtidy_python::STACK_SIZE)
            .spawn(move || {
                for job in queue {
                    // A job answers its own request on a panic (see `Server::spawn_request`).
                    let _ = catch_unwind(AssertUnwindSafe(|| job(&worker_shared)));
                }
            });
        if spawned.is_err() {
            shared.log(1, "cannot start the worker thread: nothing will be linted");
        }
        Server {
            shared,
            jobs,
            texts: HashMap::new(),
            notebooks: HashMap::new(),
            cells: HashMap::new(),
            owners: HashMap::new(),
            dirty: HashSet::new(),
            counter: 0,
            shutdown: false,
            watch_files: capabilities
                .pointer("/workspace/didChangeWatchedFiles/dynamicRegistration")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            refresh: capabilities
                .pointer("/workspace/diagnostics/refreshSupport")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            root,
        }
    }

    fn initialize_result(&self) -> Value {
        let encoding = match self.shared.encoding {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
            Encoding::Utf32 => "utf-32",
        };
        json!({
            "capabilities": {
                "positionEncoding": encoding,
                "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
                "notebookDocumentSync": {
                    "notebookSelector": [{
                        "notebook": {"notebookType": "jupyter-notebook"},
                        "cells": [{"language": "python"}, {"language": "markdown"}, {"language": "raw"}]
                    }],
                    "save": true
                },
                "documentFormattingProvider": true,
                "documentRangeFormattingProvider": true,
                "hoverProvider": true,
                "codeActionProvider": {
                    "codeActionKinds": ["quickfix", FIX_ALL, NOTEBOOK_FIX_ALL, ORGANIZE_IMPORTS, NOTEBOOK_ORGANIZE_IMPORTS],
                    "resolveProvider": false
                },
                "diagnosticProvider": {
                    "identifier": "nbtidy",
                    "interFileDependencies": true,
                    "workspaceDiagnostics": false
                },
                "executeCommandProvider": {"commands": [COMMAND_FIX_ALL, COMMAND_FORMAT]}
            },
            "serverInfo": {"name": "nbtidy", "version": env!("CARGO_PKG_VERSION")}
        })
    }

    /// Handles one message; `Some` ends the loop.
    fn handle(&mut self, incoming: Incoming) -> Option<Result<(), ServerError>> {
        match incoming {
            Incoming::Malformed {
                problem,
                id,
                parse_error,
            } => {
                self.shared.log(1, &problem);
                if let Some(id) = id {
                    let code = if parse_error {
                        ErrorCode::ParseError
                    } else {
                        ErrorCode::InvalidRequest
                    };
                    self.shared
                        .respond(Response::new_err(id, code as i32, problem));
                }
                None
            }
            Incoming::Message(Message::Request(request)) => {
                self.request(request);
                None
            }
            Incoming::Message(Message::Notification(notification)) => {
                if notification.method == "exit" {
                    return Some(if self.shutdown {
                        Ok(())
                    } else {
                        Err(ServerError::ExitWithoutShutdown)
                    });
                }
                let method = notification.method.clone();
                if let Err(problem) = self.notification(notification) {
                    self.shared
                        .log(1, &format!("{method}: {problem}; notification ignored"));
                }
                None
            }
            // A "response" with neither result nor error is a request with a bad method (`lsp-server`
            // reads `{"id": 1, "method": 5}` so): answered `InvalidRequest`.
            Incoming::Message(Message::Response(response))
                if response.result.is_none() && response.error.is_none() =>
            {
                self.shared
                    .log(1, "a message with an id but no valid method; skipped");
                self.shared.respond(Response::new_err(
                    response.id,
                    ErrorCode::InvalidRequest as i32,
                    "not a valid request".to_owned(),
                ));
                None
            }
            // Answers to the server's own requests (registrations, applyEdit): nothing to do.
            Incoming::Message(Message::Response(_)) => None,
        }
    }

    fn bump(&mut self, key: &Uri) {
        self.counter += 1;
        lock(&self.shared.generations).insert(key.clone(), self.counter);
        self.dirty.insert(key.clone());
    }

    /// The key (notebook or file URI) of a document URI. A cell URI the server was not given (a
    /// markdown cell outside the selector) finds its notebook by path.
    fn key_of(&self, uri: &Uri) -> Option<Uri> {
        if self.texts.contains_key(uri) || self.notebooks.contains_key(uri) {
            return Some(uri.clone());
        }
        if let Some(owner) = self.owners.get(uri) {
            return Some(owner.clone());
        }
        let path = uri_path(uri)?;
        self.notebooks
            .keys()
            .find(|notebook| uri_path(notebook).as_deref() == Some(path.as_path()))
            .cloned()
    }

    fn snapshot(&self, key: &Uri) -> Option<Snapshot> {
        if let Some(doc) = self.texts.get(key) {
            let path = document_path(key, self.root.as_deref());
            return Some(if doc.ipynb {
                Snapshot::Ipynb {
                    uri: key.clone(),
                    path,
                    text: Arc::clone(&doc.text),
                }
            } else {
                Snapshot::Cells {
                    uri: key.clone(),
                    path,
                    metadata: None,
                    cells: vec![CellSnap {
                        uri: key.clone(),
                        code: true,
                        language: "python".to_owned(),
                        metadata: None,
                        text: Arc::clone(&doc.text),
                    }],
                }
            });
        }
        let notebook = self.notebooks.get(key)?;
        let cells = notebook
            .cells
            .iter()
            .map(|cell| {
                let doc = self.cells.get(&cell.uri);
                CellSnap {
                    uri: cell.uri.clone(),
                    code: cell.code,
                    language: doc.map_or_else(
                        || if cell.code { "python" } else { "markdown" }.to_owned(),
                        |d| d.language.clone(),
                    ),
                    metadata: cell.metadata.clone(),
                    text: doc.map_or_else(|| Arc::new(String::new()), |d| Arc::clone(&d.text)),
                }
            })
            .collect();
        Some(Snapshot::Cells {
            uri: key.clone(),
            path: document_path(key, self.root.as_deref()),
            metadata: notebook.metadata.clone(),
            cells,
        })
    }

    /// Queues a lint of every document edited since the last call.
    fn queue_lints(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let dirty: Vec<Uri> = self.dirty.drain().collect();
        if self.shared.pull {
            if self.refresh {
                self.shared
                    .request("workspace/diagnostic/refresh", Value::Null);
            }
            return;
        }
        for key in dirty {
            let Some(snapshot) = self.snapshot(&key) else {
                continue;
            };
            let generation = self.shared.generation(&key);
            let _ = self.jobs.send(Box::new(move |shared: &Shared| {
                if shared.generation(&key) != generation {
                    return; // a newer edit is queued: its lint will publish
                }
                let result = catch_unwind(AssertUnwindSafe(|| diagnostics(shared, &snapshot)));
                let published = match result {
                    Ok(published) => published,
                    Err(_) => {
                        shared.log(
                            1,
                            &format!(
                                "internal error while linting {}: this is a bug in nbtidy",
                                key.as_str()
                            ),
                        );
                        return;
                    }
                };
                if shared.generation(&key) != generation {
                    return; // stale: the document changed while it was linted
                }
                for (uri, items) in published {
                    shared.notify(
                        "textDocument/publishDiagnostics",
                        json!({"uri": uri, "diagnostics": items}),
                    );
                }
            }));
        }
    }

    /// Clears the diagnostics of documents that are gone.
    fn clear(&self, uris: impl IntoIterator<Item = Uri>) {
        if self.shared.pull {
            return;
        }
        for uri in uris {
            self.shared.notify(
                "textDocument/publishDiagnostics",
                json!({"uri": uri, "diagnostics": []}),
            );
        }
    }

    fn notification(&mut self, notification: Notification) -> Result<(), String> {
        let params = notification.params;
        match notification.method.as_str() {
            "initialized" if self.watch_files => {
                self.shared.request(
                    "client/registerCapability",
                    json!({"registrations": [{
                        "id": "nbtidy-editorconfig",
                        "method": "workspace/didChangeWatchedFiles",
                        "registerOptions": {"watchers": [{"globPattern": "**/.editorconfig"}]}
                    }]}),
                );
            }
            "textDocument/didOpen" => {
                let params: lsp_types::DidOpenTextDocumentParams = from_value(params)?;
                let item = params.text_document;
                // A `.ipynb` is its JSON text unless the client says the text is Python
                // (jupyterlab-lsp's virtual documents of a notebook's cells).
                let ipynb = item.uri.as_str().ends_with(".ipynb") && item.language_id != "python";
                self.texts.insert(
                    item.uri.clone(),
                    TextDoc {
                        text: Arc::new(item.text),
                        ipynb,
                    },
                );
                self.bump(&item.uri);
            }
            "textDocument/didChange" => {
                let params: lsp_types::DidChangeTextDocumentParams = from_value(params)?;
                let uri = params.text_document.uri;
                if let Some(doc) = self.texts.get_mut(&uri) {
                    let clamped = text::apply_changes(
                        Arc::make_mut(&mut doc.text),
                        params.content_changes,
                        self.shared.encoding,
                    );
                    if clamped {
                        self.shared.log(
                            2,
                            &format!(
                                "{}: an edit outside the document was applied at its end; the client and the server may disagree on the text (reopen the file)",
                                uri.as_str()
                            ),
                        );
                    }
                    self.bump(&uri);
                } else if self.cells.contains_key(&uri) {
                    // Some clients send cell edits as text changes.
                    self.change_cell(&uri, params.content_changes);
                } else {
                    return Err(format!("`{}` is not open", uri.as_str()));
                }
            }
            "textDocument/didClose" => {
                let params: lsp_types::DidCloseTextDocumentParams = from_value(params)?;
                let uri = params.text_document.uri;
                if self.texts.remove(&uri).is_some() {
                    lock(&self.shared.generations).remove(&uri);
                    self.dirty.remove(&uri);
                    self.clear([uri]);
                }
            }
            "textDocument/didSave" | "notebookDocument/didSave" => {}
            "notebookDocument/didOpen" => {
                let params: lsp_types::DidOpenNotebookDocumentParams = from_value(params)?;
                let notebook = params.notebook_document;
                for item in params.cell_text_documents {
                    self.cells.insert(
                        item.uri.clone(),
                        CellDoc {
                            text: Arc::new(item.text),
                            language: item.language_id,
                        },
                    );
                }
                let cells = notebook
                    .cells
                    .into_iter()
                    .map(|cell| {
                        self.owners
                            .insert(cell.document.clone(), notebook.uri.clone());
                        NotebookCellEntry {
                            uri: cell.document,
                            code: cell.kind == NotebookCellKind::Code,
                            metadata: cell.metadata,
                        }
                    })
                    .collect();
                self.notebooks.insert(
                    notebook.uri.clone(),
                    NotebookDoc {
                        metadata: notebook.metadata,
                        cells,
                    },
                );
                self.bump(&notebook.uri);
            }
            "notebookDocument/didChange" => {
                let params: lsp_types::DidChangeNotebookDocumentParams = from_value(params)?;
                self.change_notebook(params)?;
            }
            "notebookDocument/didClose" => {
                let params: lsp_types::DidCloseNotebookDocumentParams = from_value(params)?;
                let uri = params.notebook_document.uri;
                let Some(notebook) = self.notebooks.remove(&uri) else {
                    return Err(format!("`{}` is not open", uri.as_str()));
                };
                let mut gone = Vec::new();
                for cell in notebook.cells {
                    self.owners.remove(&cell.uri);
                    if self.cells.remove(&cell.uri).is_some() {
                        gone.push(cell.uri);
                    }
                }
                for cell in params.cell_text_documents {
                    self.cells.remove(&cell.uri);
                }
                lock(&self.shared.generations).remove(&uri);
                self.dirty.remove(&uri);
                self.clear(gone);
            }
            "workspace/didChangeWatchedFiles" => {
                let params: lsp_types::DidChangeWatchedFilesParams = from_value(params)?;
                if params
                    .changes
                    .iter()
                    .any(|change| change.uri.as_str().ends_with(".editorconfig"))
                {
                    self.reload_settings(None);
                }
            }
            // Only a change of nbtidy's own setting moves the configuration root.
            "workspace/didChangeConfiguration" => {
                if let Some(nbtidy) = params.pointer("/settings/nbtidy") {
                    let config_root = nbtidy
                        .get("configurationRoot")
                        .and_then(Value::as_str)
                        .filter(|root| !root.is_empty())
                        .map(PathBuf::from);
                    self.reload_settings(Some(config_root));
                }
            }
            "$/cancelRequest" => {
                let params: lsp_types::CancelParams = from_value(params)?;
                let id = match params.id {
                    lsp_types::NumberOrString::Number(n) => RequestId::from(n),
                    lsp_types::NumberOrString::String(s) => RequestId::from(s),
                };
                lock(&self.shared.cancelled).insert(id);
            }
            // `$/setTrace`, `$/progress` and the like: nothing to do.
            _ => {}
        }
        Ok(())
    }

    /// A new resolver (`.editorconfig` files are read again) and every document linted again.
    /// `config_root`: `Some` when the client's setting changed.
    fn reload_settings(&mut self, config_root: Option<Option<PathBuf>>) {
        let mut settings = self
            .shared
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let config_root = config_root.unwrap_or_else(|| settings.config_root.clone());
        *settings = Arc::new(SettingsSource::new(self.root.clone(), config_root));
        drop(settings);
        lock(&self.shared.shown).clear();
        let keys: Vec<Uri> = self
            .texts
            .keys()
            .chain(self.notebooks.keys())
            .cloned()
            .collect();
        for key in keys {
            self.bump(&key);
        }
    }

    fn change_cell(&mut self, uri: &Uri, changes: Vec<TextDocumentContentChangeEvent>) {
        let Some(cell) = self.cells.get_mut(uri) else {
            self.shared.log(
                2,
                &format!(
                    "{}: a change to a cell that is not open; ignored",
                    uri.as_str()
                ),
            );
            return;
        };
        if text::apply_changes(Arc::make_mut(&mut cell.text), changes, self.shared.encoding) {
            self.shared.log(
                2,
                &format!(
                    "{}: an edit outside the cell was applied at its end; the client and the server may disagree on the text",
                    uri.as_str()
                ),
            );
        }
        if let Some(owner) = self.owners.get(uri).cloned() {
            self.bump(&owner);
        }
    }

    fn change_notebook(
        &mut self,
        params: lsp_types::DidChangeNotebookDocumentParams,
    ) -> Result<(), String> {
        let key = params.notebook_document.uri;
        if !self.notebooks.contains_key(&key) {
            return Err(format!("`{}` is not open", key.as_str()));
        }
        let change = params.change;
        if let Some(metadata) = change.metadata
            && let Some(notebook) = self.notebooks.get_mut(&key)
        {
            notebook.metadata = Some(metadata);
        }
        if let Some(cells) = change.cells {
            if let Some(structure) = cells.structure {
                for item in structure.did_open.unwrap_or_default() {
                    self.cells.insert(
                        item.uri.clone(),
                        CellDoc {
                            text: Arc::new(item.text),
                            language: item.language_id,
                        },
                    );
                }
                let mut gone = Vec::new();
                for closed in structure.did_close.unwrap_or_default() {
                    self.cells.remove(&closed.uri);
                    self.owners.remove(&closed.uri);
                    gone.push(closed.uri);
                }
                let array = structure.array;
                let notebook = self.notebooks.get_mut(&key).expect("checked above");
                let start = (array.start as usize).min(notebook.cells.len());
                let end = start
                    .saturating_add(array.delete_count as usize)
                    .min(notebook.cells.len());
                if start != array.start as usize || end - start != array.delete_count as usize {
                    self.shared.log(
                        2,
                        &format!(
                            "{}: a cell change outside the notebook's {} cells was clamped",
                            key.as_str(),
                            notebook.cells.len()
                        ),
                    );
                }
                let new: Vec<NotebookCellEntry> = array
                    .cells
                    .unwrap_or_default()
                    .into_iter()
                    .map(|cell| NotebookCellEntry {
                        uri: cell.document,
                        code: cell.kind == NotebookCellKind::Code,
                        metadata: cell.metadata,
                    })
                    .collect();
                for cell in &new {
                    self.owners.insert(cell.uri.clone(), key.clone());
                }
                notebook.cells.splice(start..end, new);
                self.clear(gone);
            }
            if let Some(data) = cells.data
                && let Some(notebook) = self.notebooks.get_mut(&key)
            {
                for cell in data {
                    if let Some(entry) = notebook.cells.iter_mut().find(|c| c.uri == cell.document)
                    {
                        entry.code = cell.kind == NotebookCellKind::Code;
                        entry.metadata = cell.metadata;
                    }
                }
            }
            for content in cells.text_content.unwrap_or_default() {
                self.change_cell(&content.document.uri, content.changes);
            }
        }
        self.bump(&key);
        Ok(())
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutdown {
            self.shared.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            ));
            return;
        }
        let method = request.method.clone();
        let result = match method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                self.shared.respond(Response::new_ok(id, Value::Null));
                return;
            }
            "initialize" => Err((ErrorCode::InvalidRequest, "already initialized".to_owned())),
            "textDocument/formatting" => from_value::<DocumentFormattingParams>(request.params)
                .map_err(invalid)
                .and_then(|p| self.queue_format(id.clone(), p.text_document.uri, None)),
            "textDocument/rangeFormatting" => {
                from_value::<DocumentRangeFormattingParams>(request.params)
                    .map_err(invalid)
                    .and_then(|p| self.queue_format(id.clone(), p.text_document.uri, Some(p.range)))
            }
            "textDocument/codeAction" => from_value::<CodeActionParams>(request.params)
                .map_err(invalid)
                .and_then(|p| self.queue_code_actions(id.clone(), p)),
            "textDocument/hover" => from_value::<HoverParams>(request.params)
                .map_err(invalid)
                .and_then(|p| self.queue_hover(id.clone(), p)),
            "textDocument/diagnostic" => from_value::<DocumentDiagnosticParams>(request.params)
                .map_err(invalid)
                .and_then(|p| self.queue_pull(id.clone(), p.text_document.uri)),
            "workspace/executeCommand" => from_value::<ExecuteCommandParams>(request.params)
                .map_err(invalid)
                .and_then(|p| self.queue_command(id.clone(), p)),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{method}`"),
            )),
        };
        if let Err((code, message)) = result {
            self.shared
                .respond(Response::new_err(id, code as i32, message));
        }
    }

    fn document(&self, uri: &Uri) -> Result<(Uri, Snapshot), (ErrorCode, String)> {
        self.key_of(uri)
            .and_then(|key| self.snapshot(&key).map(|snapshot| (key, snapshot)))
            .ok_or_else(|| {
                (
                    ErrorCode::InvalidParams,
                    format!("`{}` is not an open document", uri.as_str()),
                )
            })
    }

    /// Queues work that answers request `id` about the document `key`: cancelled and panicking
    /// work is answered too; `stale_check` answers `ContentModified` when the document changed
    /// while the work ran.
    fn spawn_request(
        &self,
        id: RequestId,
        key: Uri,
        stale_check: bool,
        work: impl FnOnce(&Shared) -> Result<Value, String> + Send + 'static,
    ) {
        let generation = self.shared.generation(&key);
        let _ = self.jobs.send(Box::new(move |shared: &Shared| {
            if shared.take_cancelled(&id) {
                shared.respond(cancelled(id));
                return;
            }
            let result = catch_unwind(AssertUnwindSafe(|| work(shared)));
            let response = if shared.take_cancelled(&id) {
                cancelled(id)
            } else if stale_check && shared.generation(&key) != generation {
                Response::new_err(
                    id,
                    ErrorCode::ContentModified as i32,
                    "the document changed while the request ran".to_owned(),
                )
            } else {
                match result {
                    Ok(Ok(value)) => Response::new_ok(id, value),
                    Ok(Err(message)) => Response::new_err(
                        id,
                        ErrorCode::RequestFailed as i32,
                        nbtidy_safe_text::redact(&message).into_owned(),
                    ),
                    Err(_) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "internal error: this is a bug in nbtidy; please report it".to_owned(),
                    ),
                }
            };
            shared.respond(response);
        }));
    }

    fn queue_format(
        &self,
        id: RequestId,
        uri: Uri,
        range: Option<lsp_types::Range>,
    ) -> Result<(), (ErrorCode, String)> {
        let (key, snapshot) = self.document(&uri)?;
        self.spawn_request(id, key, true, move |shared| {
            let Settings::Use(resolved, _) = shared.settings(snapshot.path()) else {
                return Ok(Value::Null);
            };
            match analysis::format(&snapshot, &uri, range, &resolved, shared.encoding) {
                Ok(edits) if edits.is_empty() => Ok(Value::Null),
                Ok(edits) => Ok(json!(edits)),
                Err(problem) => {
                    // A cell that does not parse is not an error the user needs a dialog for.
                    shared.log(3, &format!("{}: not formatted: {problem}", uri.as_str()));
                    Ok(Value::Null)
                }
            }
        });
        Ok(())
    }

    fn queue_code_actions(
        &self,
        id: RequestId,
        params: CodeActionParams,
    ) -> Result<(), (ErrorCode, String)> {
        let uri = params.text_document.uri;
        let (key, snapshot) = self.document(&uri)?;
        let is_notebook = self.notebooks.contains_key(&key);
        let only = params.context.only;
        let range = params.range;
        self.spawn_request(id, key, true, move |shared| {
            let wants = |kind: &str| {
                only.as_ref().is_none_or(|only| {
                    only.iter().any(|k| {
                        let k = k.as_str();
                        kind == k || kind.starts_with(&format!("{k}."))
                    })
                })
            };
            let Settings::Use(resolved, selection) = shared.settings(snapshot.path()) else {
                return Ok(json!([]));
            };
            let encoding = shared.encoding;
            let mut actions: Vec<CodeActionOrCommand> = Vec::new();
            // The requested document's own URI (a markdown cell the server does not hold has
            // no quick fixes; the notebook's fix-all still applies).
            if wants("quickfix") {
                let linted = analysis::lint(&snapshot, &resolved, &selection);
                for (diagnostic, (target, lsp)) in linted
                    .file
                    .diagnostics
                    .iter()
                    .zip(analysis::locate_all(&snapshot, &linted, encoding))
                {
                    let (Some(fix), Some(target)) = (&diagnostic.fix, target) else {
                        continue;
                    };
                    if target != uri || lsp.range.end < range.start || range.end < lsp.range.start {
                        continue;
                    }
                    let Some(changes) = analysis::fix_edits(&snapshot, fix, encoding) else {
                        continue;
                    };
                    let title = diagnostic
                        .fix_title
                        .clone()
                        .unwrap_or_else(|| format!("Fix {}", diagnostic.code));
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!(
                            "{} ({})",
                            nbtidy_safe_text::redact(&title),
                            diagnostic.code
                        ),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![lsp]),
                        edit: Some(WorkspaceEdit::new(changes)),
                        is_preferred: Some(
                            fix.applicability == nbtidy_diagnostics::Applicability::Safe,
                        ),
                        ..CodeAction::default()
                    }));
                }
            }
            // (file kind, notebook kind, titles, the rules whose safe fixes apply)
            let imports_only = || {
                Arc::new(nbtidy_lint::Selection::resolve(
                    &resolved,
                    &SelectionArgs {
                        select: Some(vec!["I001".to_owned()]),
                        ..SelectionArgs::default()
                    },
                ))
            };
            let whole = [
                (
                    FIX_ALL,
                    NOTEBOOK_FIX_ALL,
                    "nbtidy: fix all auto-fixable problems",
                    "nbtidy: fix all auto-fixable problems in the notebook",
                    false,
                ),
                (
                    ORGANIZE_IMPORTS,
                    NOTEBOOK_ORGANIZE_IMPORTS,
                    "nbtidy: organize imports",
                    "nbtidy: organize imports in the notebook",
                    true,
                ),
            ];
            for (file_kind, notebook_kind, file_title, notebook_title, imports) in whole {
                let wants_file = wants(file_kind);
                let wants_notebook = is_notebook && wants(notebook_kind);
                if !(wants_file || wants_notebook) {
                    continue;
                }
                let changes = if imports {
                    analysis::fix_all(&snapshot, &resolved, &imports_only(), encoding)
                } else {
                    analysis::fix_all(&snapshot, &resolved, &selection, encoding)
                };
                if wants_file {
                    let mut own = analysis::Changes::new();
                    if let Some(edits) = changes.get(&uri) {
                        own.insert(uri.clone(), edits.clone());
                    }
                    if snapshot.text_of(&uri).is_some() {
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: file_title.to_owned(),
                            kind: Some(CodeActionKind::from(file_kind.to_owned())),
                            edit: Some(WorkspaceEdit::new(own)),
                            ..CodeAction::default()
                        }));
                    }
                }
                if wants_notebook {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: notebook_title.to_owned(),
                        kind: Some(CodeActionKind::from(notebook_kind.to_owned())),
                        edit: Some(WorkspaceEdit::new(changes)),
                        ..CodeAction::default()
                    }));
                }
            }
            Ok(json!(actions))
        });
        Ok(())
    }

    fn queue_hover(&self, id: RequestId, params: HoverParams) -> Result<(), (ErrorCode, String)> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let (key, snapshot) = self.document(&uri)?;
        self.spawn_request(id, key, false, move |shared| {
            let encoding = shared.encoding;
            let code = snapshot
                .text_of(&uri)
                .and_then(|text| analysis::noqa_code_at(text, position, encoding))
                .or_else(|| {
                    let Settings::Use(resolved, selection) = shared.settings(snapshot.path())
                    else {
                        return None;
                    };
                    let linted = analysis::lint(&snapshot, &resolved, &selection);
                    analysis::locate_all(&snapshot, &linted, encoding)
                        .into_iter()
                        .zip(&linted.file.diagnostics)
                        .find(|((target, lsp), _)| {
                            target.as_ref() == Some(&uri)
                                && lsp.range.start <= position
                                && position <= lsp.range.end
                        })
                        .map(|(_, diagnostic)| diagnostic.code.to_owned())
                });
            Ok(code
                .and_then(|code| analysis::rule_doc(&code))
                .map_or(Value::Null, |doc| {
                    json!(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: doc,
                        }),
                        range: None,
                    })
                }))
        });
        Ok(())
    }

    fn queue_pull(&self, id: RequestId, uri: Uri) -> Result<(), (ErrorCode, String)> {
        let (key, snapshot) = self.document(&uri)?;
        self.spawn_request(id, key, false, move |shared| {
            let items = diagnostics(shared, &snapshot)
                .into_iter()
                .find(|(u, _)| *u == uri)
                .map(|(_, items)| items)
                .unwrap_or_default();
            Ok(json!({"kind": "full", "items": items}))
        });
        Ok(())
    }

    fn queue_command(
        &self,
        id: RequestId,
        params: ExecuteCommandParams,
    ) -> Result<(), (ErrorCode, String)> {
        let uri = params
            .arguments
            .first()
            .and_then(|arg| arg.get("uri").unwrap_or(arg).as_str())
            .and_then(|uri| uri.parse::<Uri>().ok())
            .ok_or((
                ErrorCode::InvalidParams,
                "the command takes the document's URI".to_owned(),
            ))?;
        let (key, snapshot) = self.document(&uri)?;
        let command = params.command;
        if command != COMMAND_FIX_ALL && command != COMMAND_FORMAT {
            return Err((
                ErrorCode::InvalidParams,
                format!("unknown command `{command}`"),
            ));
        }
        self.spawn_request(id, key, false, move |shared| {
            let Settings::Use(resolved, selection) = shared.settings(snapshot.path()) else {
                return Ok(Value::Null);
            };
            let encoding = shared.encoding;
            let changes = if command == COMMAND_FIX_ALL {
                analysis::fix_all(&snapshot, &resolved, &selection, encoding)
            } else {
                let mut changes = analysis::Changes::new();
                for target in snapshot.uris() {
                    if let Ok(edits) =
                        analysis::format(&snapshot, &target, None, &resolved, encoding)
                        && !edits.is_empty()
                    {
                        changes.insert(target, edits);
                    }
                }
                changes
            };
            if !changes.is_empty() {
                shared.request(
                    "workspace/applyEdit",
                    json!({"label": "nbtidy", "edit": WorkspaceEdit::new(changes)}),
                );
            }
            Ok(Value::Null)
        });
        Ok(())
    }
}

/// The diagnostics of every document of a snapshot.
fn diagnostics(shared: &Shared, snapshot: &Snapshot) -> Vec<(Uri, Vec<Diagnostic>)> {
    match shared.settings(snapshot.path()) {
        Settings::Use(resolved, selection) => {
            let linted = analysis::lint(snapshot, &resolved, &selection);
            analysis::to_lsp(snapshot, &linted, shared.encoding)
        }
        Settings::Off | Settings::Invalid(_) => snapshot
            .uris()
            .into_iter()
            .map(|uri| (uri, Vec::new()))
            .collect(),
    }
}

fn cancelled(id: RequestId) -> Response {
    Response::new_err(
        id,
        ErrorCode::RequestCanceled as i32,
        "cancelled".to_owned(),
    )
}

fn invalid(message: String) -> (ErrorCode, String) {
    (ErrorCode::InvalidParams, message)
}

fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|err| format!("invalid parameters: {err}"))
}

/// The file path of a `file:` URI (or of a notebook cell URI, whose path is the notebook's).
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let scheme = uri.scheme()?.as_str();
    if scheme != "file" && scheme != "vscode-notebook-cell" {
        return None;
    }
    let decoded = uri.path().as_estr().decode().into_string().ok()?;
    Some(PathBuf::from(decoded.into_owned()))
}

/// The path settings are resolved for: the file's path, or for a document without one
/// (`untitled:`), a name in the workspace root (or the current directory).
fn document_path(uri: &Uri, root: Option<&Path>) -> PathBuf {
    if let Some(path) = uri_path(uri) {
        return path;
    }
    let name = uri
        .as_str()
        .rsplit(['/', ':'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("untitled.ipynb");
    let base = root.map_or_else(
        || std::env::current_dir().unwrap_or_default(),
        Path::to_owned,
    );
    base.join(name)
}
