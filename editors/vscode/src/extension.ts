import * as vscode from 'vscode';
import {
  CodeActionRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import {
  FIX_ALL_KIND,
  LANGUAGES,
  SERVER_ARGUMENTS,
  editsForDocument,
  findAction,
  fixAllParams,
  serverExecutable,
} from './protocol';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('amplint');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('amplint.restartServer', () => restart()),
    vscode.commands.registerCommand('amplint.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('amplint.fixAll', () => fixAllInActiveEditor()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('amplint.path')) {
        void restart();
      }
    }),
    vscode.workspace.onWillSaveTextDocument((event) => {
      if (shouldFixOnSave(event)) {
        event.waitUntil(fixAllEdits(event.document));
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(): Promise<void> {
  const command = serverExecutable(vscode.workspace.getConfiguration('amplint').get<string | null>('path'));
  const serverOptions: ServerOptions = {
    run: { command, args: SERVER_ARGUMENTS },
    debug: { command, args: SERVER_ARGUMENTS },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    // Server stderr, its window/logMessage and the protocol trace all go to one channel.
    outputChannel: output,
    traceOutputChannel: output,
  };
  const started = new LanguageClient('amplint', 'amplint', serverOptions, clientOptions);
  client = started;
  output.appendLine(`Starting ${command} ${SERVER_ARGUMENTS.join(' ')}`);
  try {
    await started.start();
  } catch (error) {
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`Could not start the amplint language server (${command}): ${message}`);
    const choice = await vscode.window.showErrorMessage(
      `amplint: could not start \`${command} server\`. Install amplint or set "amplint.path".`,
      'Open Settings',
      'Show Output',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'amplint.path');
    } else if (choice === 'Show Output') {
      output.show(true);
    }
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined && running.state !== State.Stopped) {
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

function handles(document: vscode.TextDocument): boolean {
  return LANGUAGES.includes(document.languageId) && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

function shouldFixOnSave(event: vscode.TextDocumentWillSaveEvent): boolean {
  // Auto-save after a delay would rewrite the text under the user's cursor: only real saves.
  return (
    event.reason !== vscode.TextDocumentSaveReason.AfterDelay &&
    handles(event.document) &&
    vscode.workspace.getConfiguration('amplint', event.document).get<boolean>('fixAllOnSave', false)
  );
}

/** The edits of the server's `source.fixAll.amplint` action for `document` (none on failure). */
async function fixAllEdits(document: vscode.TextDocument): Promise<vscode.TextEdit[]> {
  const running = client;
  if (running === undefined || running.state !== State.Running) {
    return [];
  }
  const uri = running.code2ProtocolConverter.asUri(document.uri);
  try {
    const response = await running.sendRequest(CodeActionRequest.type, fixAllParams(uri, document.getText()));
    const action = findAction(response, FIX_ALL_KIND);
    // Edits for another version than the one being saved would land in the wrong places.
    const edits = editsForDocument(action?.edit, uri, document.version);
    return (await running.protocol2CodeConverter.asTextEdits(edits)) ?? [];
  } catch (error) {
    output.appendLine(`Fix all on save failed: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

async function fixAllInActiveEditor(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || !handles(editor.document)) {
    return;
  }
  const edits = await fixAllEdits(editor.document);
  if (edits.length === 0) {
    void vscode.window.showInformationMessage('amplint: nothing to fix.');
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.set(editor.document.uri, edits);
  await vscode.workspace.applyEdit(edit);
}
