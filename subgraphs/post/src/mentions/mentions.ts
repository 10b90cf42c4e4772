import { parseMentions } from './parse-mentions';
import type { UserDirectory } from './user-directory';

/**
 * The ids of the existing people a text mentions, in order of first mention, without the writer
 * (mentioning yourself notifies nobody). A text without an @ never calls the user service.
 */
export async function resolveMentions(directory: UserDirectory, text: string, writerId: string): Promise<string[]> {
  const handles = parseMentions(text);
  if (handles.length === 0) return [];
  const ids = await directory.idsByHandle(handles);
  const out: string[] = [];
  for (const h of handles) {
    const id = ids.get(h);
    if (id && id !== writerId && !out.includes(id)) out.push(id);
  }
  return out;
}
