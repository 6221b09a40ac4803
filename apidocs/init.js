/* The API docs page (/api/docs/): Swagger UI on this server's own description. No inline
 * script (the CSP says script-src 'self'), no request to any other origin: the description is
 * /api/schema/ on this origin, the online validator's badge is off (validatorUrl: null), and the
 * URL cannot be changed from the query string (queryConfigEnabled stays false). */
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("../schema/", window.location.href).pathname,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    queryConfigEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    persistAuthorization: false,
    tryItOutEnabled: false
  });
});
