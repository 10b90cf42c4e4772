import { newId } from '@social/kit';
import type { Member } from '../stores/notification-store';
import { setMember } from './apply';

const t = (ms: number) => new Date(ms);

describe('setMember (last writer wins per person)', () => {
  it('keeps the newest state whatever order the events arrive in', () => {
    const u = newId();
    const inOrder: Member[] = [];
    setMember(inOrder, u, t(1), true);
    setMember(inOrder, u, t(2), false);
    const reversed: Member[] = [];
    expect(setMember(reversed, u, t(2), false)).toBe('changed');
    expect(setMember(reversed, u, t(1), true)).toBe('none');
    expect(reversed).toEqual(inOrder);
  });

  it('changes nothing on a repeat, and lets a withdrawal win a tie', () => {
    const u = newId();
    const m: Member[] = [];
    expect(setMember(m, u, t(5), true)).toBe('joined');
    expect(setMember(m, u, t(5), true)).toBe('none');
    expect(setMember(m, u, t(5), false)).toBe('changed');
    expect(setMember(m, u, t(5), true)).toBe('none');
    expect(m).toEqual([{ userId: u, at: t(5), present: false }]);
  });

  it('keeps members newest first', () => {
    const [a, b, c] = [newId(), newId(), newId()];
    const m: Member[] = [];
    setMember(m, b, t(2), true);
    setMember(m, a, t(1), true);
    setMember(m, c, t(3), true);
    expect(m.map((x) => x.userId)).toEqual([c, b, a]);
  });
});
