// Lint: typescript-eslint's recommended rules; formatting is prettier's job, not the linter's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/__generated__/**', '**/.turbo/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        setImmediate: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      // Tests read GraphQL responses loosely typed on purpose; production code is typed by codegen.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: "Read configuration in the service's config.ts only." },
      ],
    },
  },
  {
    // The one place per service allowed to read the environment, plus test and build tooling (tests
    // hand their environment to the processes they spawn).
    files: [
      '**/config.ts',
      'codegen.ts',
      'packages/test-kit/**',
      'jest.preset.js',
      'scripts/**',
      '**/*.test.ts',
      '**/test/support/**',
      'bench/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
);
