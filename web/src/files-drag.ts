// Moving entries by dragging them onto a folder row or a breadcrumb: what a drag carries, and the handlers of a drop target.

/** The drag data type of library paths being moved (JSON array); files from the desktop carry 'Files' instead. */
export const PATHS_TYPE = 'application/x-netroom-paths';

/** Start dragging `paths` (the row's entry, or the whole selection when the row is part of it). */
export function startDrag(e: DragEvent, paths: readonly string[]): void {
  if (!e.dataTransfer) return;
  e.dataTransfer.setData(PATHS_TYPE, JSON.stringify(paths));
  e.dataTransfer.effectAllowed = 'move';
}

/** The paths a drop carries, or null when it is not a move of entries. */
function pathsOf(e: DragEvent): string[] | null {
  const raw = e.dataTransfer?.getData(PATHS_TYPE) ?? '';
  if (raw === '') return null;
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) && value.every((p) => typeof p === 'string') ? value : null;
  } catch {
    return null;
  }
}

/**
 * Props of an element that takes dropped entries into the folder `target`: highlighted while an
 * entry hovers it (`setOver`), `onMove(paths, target)` on the drop. Dropping a folder onto itself
 * or into where it already is does nothing.
 */
export function dropInto(target: string, setOver: (over: boolean) => void, onMove: (paths: string[], target: string) => void) {
  return {
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes(PATHS_TYPE)) return;
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = 'move';
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      const paths = pathsOf(e);
      if (paths === null) return;
      e.preventDefault();
      e.stopPropagation();
      setOver(false);
      const moving = paths.filter((p) => p !== target && p.slice(0, Math.max(0, p.lastIndexOf('/'))) !== target);
      if (moving.length > 0) onMove(moving, target);
    },
  };
}
