/**
 * The absolute path of the folder that holds the `govuk-pay-express/*.njk` templates. Add it to
 * your Nunjucks search paths, beside govuk-frontend's `dist` folder, then render
 * `govuk-pay-express/<outcome>.njk` from your outcome handlers.
 */
export declare const viewsPath: string;
