/**
 * The storage SDK's `httpClient` option (a core-v1 style client) over one of our core-rest-pipeline
 * clients, so blob traffic trusts the same certificate authorities as every other request (the
 * emulator's, a corporate proxy's) through the SDK's public options. TLS stays verified.
 */
import { createHttpHeaders, createPipelineRequest, type HttpClient } from '@azure/core-rest-pipeline';
import { toCompatResponse, type CompatResponse, type RequestPolicy, type WebResourceLike } from '@azure/core-http-compat';

export function storageHttpClient(inner: HttpClient): RequestPolicy {
  return {
    async sendRequest(web: WebResourceLike): Promise<CompatResponse> {
      const request = createPipelineRequest({
        url: web.url,
        method: web.method,
        headers: createHttpHeaders(web.headers.toJson({ preserveCase: true })),
        body: web.body,
        formData: web.formData,
        abortSignal: web.abortSignal,
        timeout: web.timeout,
        requestId: web.requestId,
        withCredentials: web.withCredentials,
        streamResponseStatusCodes: web.streamResponseStatusCodes,
        onUploadProgress: web.onUploadProgress,
        onDownloadProgress: web.onDownloadProgress,
        // core-http-compat carries `disableKeepAlive` in the v1 `keepAlive` field (sic).
        disableKeepAlive: Boolean(web.keepAlive),
      });
      const response = await inner.sendRequest(request);
      // The SDK's own request object goes back with the response: its operation details (how to read the
      // body) hang on it.
      return { ...toCompatResponse(response), request: web };
    },
  };
}
