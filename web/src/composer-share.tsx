// Files pasted or dropped into the composer: uploaded through the files pane's pipeline (use-uploads.ts) into the folder shown, shared into the room on screen.
import { useState } from 'preact/hooks';
import type { Conversation } from './chat-state.js';
import type { Lang, Texts } from './i18n.js';
import { namelessPaste, pastedName } from './paste-name.js';
import { usePlace } from './use-place.js';
import { UploadList } from './upload-list.js';
import { useUploads } from './use-uploads.js';

/** A pasted image without a name of its own gets one from the time; anything else keeps its name. */
export function namePasted(file: File, now: Date): File {
  if (!namelessPaste(file.name, file.type)) return file;
  return new File([file], pastedName(file.type, now), { type: file.type, lastModified: file.lastModified });
}

/** What the composer wires to its form: paste, drag and drop handlers, and what to show. */
export interface ComposerShare {
  readonly dragging: boolean;
  /** Why a file could not be shared here (a conversation, not a room), until the next try. */
  readonly refused: string | null;
  readonly onPaste: (e: ClipboardEvent) => void;
  readonly onDragOver: (e: DragEvent) => void;
  readonly onDragLeave: (e: DragEvent) => void;
  readonly onDrop: (e: DragEvent) => void;
  readonly list: preact.JSX.Element;
}

function hasFiles(data: DataTransfer | null): data is DataTransfer {
  return data !== null && [...data.types].includes('Files');
}

/**
 * Paste or drop into the composer: each file is uploaded (as `member`) into the folder the files
 * pane shows, and its notice goes to `conv` when it is a room. In a conversation nothing is
 * uploaded: a notice would tell a whole room about a file meant for one person.
 */
export function useComposerShare(t: Texts, lang: Lang, member: string | null, conv: Conversation | undefined): ComposerShare {
  const { dir } = usePlace();
  const room = conv?.kind === 'room' ? conv.name : null;
  // Name clashes are found by the server (412), which turns the row into the replace / keep both question.
  const uploads = useUploads(member, room, () => false, () => undefined);
  const [dragging, setDragging] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);

  const share = (files: readonly File[]): void => {
    if (files.length === 0) return;
    if (room === null) {
      setRefused(t.shareInRoomOnly);
      return;
    }
    setRefused(null);
    uploads.start(dir, files);
  };
  return {
    dragging,
    refused,
    onPaste: (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length === 0) return; // text: the textarea pastes it as usual
      e.preventDefault();
      const now = new Date();
      share(files.map((f) => namePasted(f, now)));
    },
    onDragOver: (e) => {
      if (!hasFiles(e.dataTransfer)) return;
      // Ours, not the files pane's (nor the browser's, which would open the file).
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    },
    onDragLeave: (e) => {
      const to = e.relatedTarget;
      if (!(to instanceof Node) || !(e.currentTarget as Node).contains(to)) setDragging(false);
    },
    onDrop: (e) => {
      setDragging(false);
      if (!hasFiles(e.dataTransfer)) return;
      e.preventDefault();
      e.stopPropagation();
      share([...e.dataTransfer.files]);
    },
    list: (
      <UploadList
        t={t}
        lang={lang}
        items={uploads.items}
        onCancel={uploads.cancel}
        onAnswer={uploads.answer}
        onDismiss={uploads.dismiss}
        titleId="composer-uploads-title"
      />
    ),
  };
}
