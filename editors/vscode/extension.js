// Starts `kcconf lsp` for Kopano config files; everything else is the server's work.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("kcconf");
  const server = {
    command: settings.get("path", "kcconf"),
    args: ["lsp", "--debounce", String(settings.get("debounce", 150))],
  };
  client = new LanguageClient("kcconf", "kcconf", server, {
    documentSelector: [{ language: "kopano" }],
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
