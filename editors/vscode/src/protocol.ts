// Protocol-level helpers shared by the extension and its Node test. Nothing here imports
// `vscode`, so the test can drive the real server through exactly this code.

import type {
  CodeAction,
  CodeActionParams,
  Command,
  Diagnostic,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';

/** The code action kind under which the server offers "apply every safe fix". */
export const FIX_ALL_KIND = 'source.fixAll.amplint';

/** The language ids the extension activates on and hands to the server. */
export const LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

/** The executable to run: the `amplint.path` setting when set, else `amplint` from PATH. */
export function serverExecutable(configuredPath: string | null | undefined): string {
  const trimmed = (configuredPath ?? '').trim();
  return trimmed === '' ? 'amplint' : trimmed;
}

/** The arguments that start the language server over stdio. */
export const SERVER_ARGUMENTS = ['server'];

/** Parameters asking only for the fix-all action over the whole document. */
export function fixAllParams(uri: string, text: string): CodeActionParams {
  return {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: endPosition(text) },
    context: { diagnostics: [], only: [FIX_ALL_KIND] },
  };
}

/** Parameters asking for the quick fixes of one diagnostic. */
export function quickFixParams(uri: string, diagnostic: Diagnostic): CodeActionParams {
  return {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ['quickfix'] },
  };
}

export function isCodeAction(item: Command | CodeAction): item is CodeAction {
  return typeof (item as Command).command !== 'string';
}

/** Whether `kind` is `wanted` or a sub-kind of it (`source.fixAll.amplint` is in `source`). */
export function kindMatches(kind: string | undefined, wanted: string): boolean {
  return kind !== undefined && (kind === wanted || kind.startsWith(wanted + '.'));
}

/** The first action of `kind` in a code action response, if any. */
export function findAction(
  response: (Command | CodeAction)[] | null | undefined,
  kind: string,
): CodeAction | undefined {
  return (response ?? []).filter(isCodeAction).find((action) => kindMatches(action.kind, kind));
}

/**
 * The text edits a workspace edit makes to the document `uri` (both edit shapes). With
 * `version`, edits made for another version of the document are dropped (stale).
 */
export function editsForDocument(edit: WorkspaceEdit | undefined, uri: string, version?: number): TextEdit[] {
  if (edit === undefined) {
    return [];
  }
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) {
      const editVersion = change.textDocument.version;
      if (version !== undefined && editVersion !== null && editVersion !== undefined && editVersion !== version) {
        return [];
      }
      edits.push(...change.edits);
    }
  }
  edits.push(...(edit.changes?.[uri] ?? []));
  return edits;
}

/** The position just past the last character (UTF-16 columns, LSP's default encoding). */
export function endPosition(text: string): { line: number; character: number } {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** The UTF-16 offset of an LSP position in `text`. */
export function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.slice(offset).search(/\r\n|\r|\n/);
    if (next < 0) {
      return text.length;
    }
    offset += next + (text.startsWith('\r\n', offset + next) ? 2 : 1);
  }
  const lineEnd = text.slice(offset).search(/\r\n|\r|\n/);
  const lineLength = lineEnd < 0 ? text.length - offset : lineEnd;
  return offset + Math.min(position.character, lineLength);
}

/** Applies non-overlapping LSP text edits (positions in UTF-16) to `text`. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const located = edits.map((edit, order) => ({
    start: offsetAt(text, edit.range.start),
    end: offsetAt(text, edit.range.end),
    newText: edit.newText,
    order,
  }));
  located.sort((left, right) => right.start - left.start || right.order - left.order);
  let result = text;
  let previousStart = Number.POSITIVE_INFINITY;
  for (const edit of located) {
    if (edit.end > previousStart) {
      throw new Error('overlapping text edits');
    }
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    previousStart = edit.start;
  }
  return result;
}

export function rangeToString(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}
