// Static assets (the stylesheet, later scripts) served from src/web/assets/ under /assets/.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root.ts';
import type { RouteRegistrar } from './server.ts';

// From the package root rather than this module's folder: the bundle (build/) runs this code from elsewhere.
const ASSETS_DIR = path.join(PACKAGE_ROOT, 'src', 'web', 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** An asset's text (the stylesheet inlined into pages meant to be read offline, say). */
export function readAsset(file: string): Promise<string> {
  return readFile(path.join(ASSETS_DIR, path.basename(file)), 'utf8');
}

export const assetRoutes: RouteRegistrar = (app) => {
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const { file } = request.params;
    const type = TYPES[path.extname(file)];
    // Plain file names only: no path traversal.
    if (!type || !/^[\w.-]+$/.test(file)) return reply.code(404).send();
    try {
      const content = await readFile(path.join(ASSETS_DIR, file));
      return reply.type(type).header('cache-control', 'no-cache').send(content);
    } catch {
      return reply.code(404).send();
    }
  });
};
