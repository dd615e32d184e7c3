// Starts `nbtidy server` for Jupyter notebooks (every cell, in notebook order) and Python files.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("nbtidy");
  const command = config.get<string>("path") || "nbtidy";
  const configurationRoot = config.get<string>("configurationRoot") || undefined;
  const serverOptions: ServerOptions = { command, args: ["server"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { notebook: "jupyter-notebook", language: "python" },
      { notebook: "jupyter-notebook", language: "markdown" },
    ],
    initializationOptions: { configurationRoot },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/.editorconfig"),
    },
  };
  client = new LanguageClient("nbtidy", "nbtidy", serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
