// ESLint over every workspace: chaincode, gateway, network, fixtures, and app once it has code (any .ts file is linted).
// typescript-eslint's recommended rules without type information: the type-checked set took 1 min 44 s on this 2-core
// machine (against 18 s) and reported mostly no-unsafe-* on JSON bodies (supertest, mongoose lean documents).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import jsdoc from 'eslint-plugin-jsdoc';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['**/node_modules/', '**/dist/', 'network/.bin/', 'network/.run/', 'network/build/', '.data/'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          // Express knows an error handler by its four parameters, the last unused.
          argsIgnorePattern: '^_',
          // `const { secret, ...rest } = doc` is how a field is left out of a copy.
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // TSDoc on every export of the gateway, the domain package and the chaincode: what a thing is or does, and why
    // where that is not obvious. No fixer: an empty /** */ says nothing, the comment has to be written.
    files: ['gateway/src/**/*.ts', 'domain/src/**/*.ts', 'chaincode/src/**/*.ts'],
    ignores: [
      // Tests and the chaincode's test support (fake ledger, scenarios) document themselves by their test names.
      '**/*.test.ts',
      'chaincode/src/testing/**',
    ],
    plugins: { jsdoc },
    rules: {
      'jsdoc/require-jsdoc': [
        'error',
        {
          publicOnly: true,
          require: { FunctionDeclaration: true, ClassDeclaration: true, ArrowFunctionExpression: true },
          contexts: ['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSEnumDeclaration'],
          enableFixer: false,
        },
      ],
    },
  },
  {
    // chai's property assertions (`expect(x).to.be.empty`) are expressions by design.
    files: ['**/test/**/*.ts', '**/integration/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    // The peer's external builder (plain CommonJS scripts without an extension, run by node) and the tools' configs.
    files: ['network/builder/bin/build', 'network/builder/bin/detect', 'network/builder/bin/release', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
  },
  // Formatting is Prettier's: no lint rule argues with it.
  prettier,
);
