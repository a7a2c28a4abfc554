import { readdirSync, realpathSync, statSync } from 'node:fs';

/**
 * The files below the folder `root` of `dir` whose names end in one of `extensions`, as paths
 * relative to `dir` (`root/sub/file.sql`), in the order found. Hidden files and folders (a name
 * starting with a dot) and `node_modules` folders are left out; symbolic links are followed,
 * except to a folder the walk is already inside. A missing root has no files.
 *
 * readdir with file types costs a fifth of what a glob library spends matching every path
 * against patterns, and this runs before every compile, even one with nothing to do.
 */
export function filesBelow(dir: string, root: string, extensions: readonly string[]): string[] {
  const found: string[] = [];
  // The real paths of the folders being walked, innermost last: a link back to one of them would never end.
  const inside: string[] = [];
  const visit = (rel: string, real: string) => {
    inside.push(real);
    for (const entry of readdirSync(`${dir}/${rel}`, { withFileTypes: true })) {
      const name = entry.name;
      if (name.startsWith('.')) continue;
      const path = `${rel}/${name}`;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      let target = `${real}/${name}`;
      if (entry.isSymbolicLink()) {
        const followed = linkTarget(`${dir}/${path}`);
        if (!followed) continue;
        ({ isDirectory, isFile, real: target } = followed);
      }
      if (isDirectory) {
        if (name !== 'node_modules' && !inside.includes(target)) visit(path, target);
      } else if (isFile && extensions.some((ext) => name.endsWith(ext))) {
        found.push(path);
      }
    }
    inside.pop();
  };
  const real = realPath(`${dir}/${root}`);
  if (real !== undefined) visit(root, real);
  return found;
}

/** What a link points to; none when it is broken. */
function linkTarget(path: string): { isDirectory: boolean; isFile: boolean; real: string } | undefined {
  try {
    const stats = statSync(path);
    return { isDirectory: stats.isDirectory(), isFile: stats.isFile(), real: stats.isDirectory() ? realpathSync(path) : path };
  } catch {
    return undefined;
  }
}

/** A folder's real path; none when there is no folder there. */
function realPath(path: string): string | undefined {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? realpathSync(path) : undefined;
}
