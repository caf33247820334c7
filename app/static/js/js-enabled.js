// Same as GOV.UK Frontend's inline template script; an external file because our CSP forbids inline scripts.
// Load as a classic script at the start of <body>.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
