import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'test-results/', 'node_modules/', 'demo-app/public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Folder boundaries: a module in src/<a>/ reaches another folder only through its index
    // (`../<b>/index.js`), so what a folder offers the rest of the library is written down in one
    // place and its inner files can move freely. Type-only imports count too. Files at the top of
    // src/ (config-error.ts, logger.ts) belong to no folder and are open to all.
    files: ['src/*/**/*.ts'],
    ignores: [
      // Exceptions, each with its reason:
      // - src/testing/ builds webhook fixtures with the simulator's own id generator, which is
      //   internal to the simulator and must not join its public index (the /simulator entry).
      'src/testing/index.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Up one or more folders, into a folder, to a file that is not its index.
              regex: '^(?:\\.\\./)+[^./][^/]*/(?!index\\.js$).+$',
              message:
                "Import another folder through its index ('../<folder>/index.js'), exporting there what it should offer.",
            },
          ],
        },
      ],
    },
  },
  {
    // The one exception inside src/testing/: everything else there goes through the indexes.
    files: ['src/testing/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?:\\.\\./)+(?!simulator/ids\\.js$)[^./][^/]*/(?!index\\.js$).+$',
              message:
                "Import another folder through its index ('../<folder>/index.js'), exporting there what it should offer.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
