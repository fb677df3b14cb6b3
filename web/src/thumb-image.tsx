// A library image's thumbnail (the server's thumbs/PATH), or what stands in for it when the server has none to give.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { hasThumbnailName } from '../../src/core/thumbs/formats.js';
import { encodePath } from './api.js';

/**
 * Whether to ask the server for a file's thumbnail: its name is one of the formats the server makes
 * thumbnails of (the server's own list, src/core/thumbs/formats.ts), so a BMP or an SVG gets its icon at once.
 */
export const hasThumbnail: (name: string) => boolean = hasThumbnailName;

/** Where a file's thumbnail is made (`thumbs/PATH`, relative to the page like every URL). */
export function thumbUrl(path: string): string {
  return `thumbs/${encodePath(path)}`;
}

/** Properties of {@link ThumbImage}. */
export interface ThumbImageProps {
  /** The library path of the file. */
  readonly path: string;
  /** Anything that changes when the file does (size and time): a new version is asked for again after a failure. */
  readonly version: string;
  readonly alt: string;
  /** Shown instead when the thumbnail fails to load: 415 (not really an image), 404 (gone), the network. */
  readonly fallback: ComponentChildren;
}

/** The thumbnail, lazily loaded; its fallback (the file-type icon) if it fails, never a broken image. */
export function ThumbImage({ path, version, alt, fallback }: ThumbImageProps) {
  const src = thumbUrl(path);
  const key = `${src}\u0000${version}`;
  const [failed, setFailed] = useState<string | null>(null);
  if (failed === key) return <>{fallback}</>;
  return <img src={src} alt={alt} loading="lazy" decoding="async" onError={() => setFailed(key)} />;
}
