// Starts govuk-frontend's components (error summary focus, prevent-double-click on buttons, the
// service navigation menu). A separate file, because the CSP allows no inline script.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();
