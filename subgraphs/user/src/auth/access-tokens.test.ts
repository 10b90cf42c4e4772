import { SignJWT, decodeJwt } from 'jose';
import { isId, newId } from '@social/kit';
import { AccessTokenIssuer, verifyAccessToken } from './access-tokens';

const SECRET = 'test-access-token-secret-0123456789abcdef';
const key = new TextEncoder().encode(SECRET);

describe('access tokens', () => {
  it('carries the user id as sub, our issuer and audience, a jti and the configured lifetime', async () => {
    const userId = newId();
    const { token, expiresAt } = await new AccessTokenIssuer(SECRET, 900).issue(userId);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: userId, iss: 'social-user', aud: 'social-api' });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(expiresAt.getTime()).toBe(claims.exp! * 1000);
    expect(await verifyAccessToken(token, SECRET)).toEqual({ userId });
    expect(isId((await verifyAccessToken(token, SECRET)).userId)).toBe(true);
  });

  it('refuses an expired token, saying it expired', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(newId())
      .setIssuer('social-user')
      .setAudience('social-api')
      .setIssuedAt(past - 900)
      .setExpirationTime(past)
      .sign(key);
    await expect(verifyAccessToken(token, SECRET)).rejects.toMatchObject({
      message: expect.stringMatching(/expired/),
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a tampered token, saying it is invalid', async () => {
    const { token } = await new AccessTokenIssuer(SECRET, 900).issue(newId());
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: newId() })).toString('base64url');
    for (const bad of [`${header}.${forgedPayload}.${signature}`, `${token.slice(0, -2)}xx`, 'not.a.jwt', '']) {
      await expect(verifyAccessToken(bad, SECRET)).rejects.toMatchObject({
        message: expect.stringMatching(/invalid/),
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
  });

  it('refuses a token signed with another secret or for another audience', async () => {
    const other = await new AccessTokenIssuer('another-secret-of-sufficient-length-0123', 900).issue(newId());
    await expect(verifyAccessToken(other.token, SECRET)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const wrongAudience = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(newId())
      .setIssuer('social-user')
      .setAudience('social-internal')
      .setExpirationTime('5m')
      .sign(key);
    await expect(verifyAccessToken(wrongAudience, SECRET)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
