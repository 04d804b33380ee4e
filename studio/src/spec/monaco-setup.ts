/**
 * Monaco, bundled locally (no CDN): the core editor, the contributions a JSON editor needs, and the
 * JSON language with its worker. Imported only by the lazily loaded spec editor.
 */
import { loader } from '@monaco-editor/react';
// The JSON language's worker client (loaded lazily by the JSON mode) imports every editor
// contribution, each registering its services (ICodeLensCache, treeViewsDndService…). Registered after
// the first editor was created, they are unknown to Monaco's already-initialised standalone services,
// and the *second* editor (the Spec tab reopened) throws "[createInstance] … depends on UNKNOWN
// service ICodeLensCache". Importing it here registers them before any editor exists.
import 'monaco-editor/internal/common/workers';
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/editor/contrib/comment/browser/comment';
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
import 'monaco-editor/editor/contrib/folding/browser/folding';
import 'monaco-editor/editor/contrib/format/browser/formatActions';
import 'monaco-editor/editor/contrib/gotoError/browser/gotoError';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter';
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/find/browser/findController';
// The package's exports map has no entry for CSS; vite.config.ts aliases monaco-css/ to its folder.
import 'monaco-css/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-css/base/browser/ui/codicons/codicon/codicon-modifiers.css';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

loader.config({ monaco });

export { jsonDefaults, monaco };
