/**
 * Bearer-token checks for protected surfaces. ARM accepts only ARM audiences and Livy only the Synapse
 * audience, so a client that asks for the wrong scope fails here as it would against Azure.
 * The 401 bodies are ARM's well-known ones (AuthenticationFailed, InvalidAuthenticationToken,
 * ExpiredAuthenticationToken, InvalidAuthenticationTokenAudience).
 */
import type { EmuRequest, EmuResponse } from '../http';
import type { TokenSigner } from './jwt';

export const ARM_AUDIENCES = [
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
  'https://management.azure.com/',
  'https://management.azure.com',
];

export const SYNAPSE_AUDIENCES = ['https://dev.azuresynapse.net', 'https://dev.azuresynapse.net/'];

export type AuthOutcome = { ok: true; audience: string } | { ok: false; response: EmuResponse };

export function checkBearer(req: EmuRequest, signer: TokenSigner, allowed: readonly string[], shape: 'arm' | 'synapse'): AuthOutcome {
  const header = req.headers['authorization'];
  const authorizationUri = `${req.baseUrl ?? ''}/`;
  const deny = (code: string, message: string, description: string): AuthOutcome => ({
    ok: false,
    response: {
      status: 401,
      headers: {
        'www-authenticate': `Bearer authorization_uri="${authorizationUri}", error="invalid_token", error_description="${description}"`,
      },
      body: shape === 'arm' ? { error: { code, message } } : { code, message },
    },
  });
  if (!header) {
    return deny(
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      "The authentication failed because of missing 'Authorization' header.",
    );
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) {
    return deny(
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      'The access token is invalid.',
    );
  }
  const result = signer.verify(m[1]);
  if (!result.ok) {
    if (result.reason === 'expired' && result.claims) {
      const exp = new Date(result.claims.exp * 1000).toUTCString();
      return deny(
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${exp}' is earlier than current UTC time '${new Date().toUTCString()}'.`,
        'The access token has expired.',
      );
    }
    return deny('InvalidAuthenticationToken', 'The access token is invalid.', 'The access token is invalid.');
  }
  const aud = String(result.claims.aud);
  if (!allowed.includes(aud)) {
    if (shape === 'synapse') {
      // The Synapse data plane's wording (its identity middleware hides the audiences as PII).
      return deny(
        'InvalidTokenAuthenticationAudience',
        "Token Authentication failed with SecurityTokenInvalidAudienceException - IDX10214: Audience validation failed. Audiences: '[PII is hidden]'. " +
          "Did not match: validationParameters.ValidAudience: '[PII is hidden]' or validationParameters.ValidAudiences: '[PII is hidden]'.",
        'The access token has an invalid audience.',
      );
    }
    return deny(
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(',')}.`,
      'The access token has an invalid audience.',
    );
  }
  return { ok: true, audience: aud };
}
