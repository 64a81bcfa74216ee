// The API reference page: Swagger UI over the app's own OpenAPI document. No validator badge (it would
// call a public service) and no external requests.
window.addEventListener('DOMContentLoaded', () => {
  const root = document.getElementById('swagger-ui');
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
    requestInterceptor: (request) => {
      const token = document.querySelector('meta[name="_csrf"]');
      const header = document.querySelector('meta[name="_csrf_header"]');
      if (token && header) {
        request.headers[header.content] = token.content;
      }
      return request;
    },
  });
});
