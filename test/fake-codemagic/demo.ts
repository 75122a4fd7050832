import type { FakeApp } from './server';

/** Team that owns the demo apps (v3 `GET /teams/{teamId}/builds`). */
export const DEMO_TEAM_ID = '5f0c1a2b3c4d5e6f7a8b9c0d';

/**
 * Seed data: three plausible Codemagic apps.
 * - flutter-shop: configured by codemagic.yaml, so the API lists no workflows (empty `workflows`).
 * - rn-wallet: React Native, also yaml-configured (no workflows from the API).
 * - ios-notes: native iOS app configured in the Workflow Editor (UI workflows with Mongo-like ids).
 * Every call returns fresh objects, so tests may mutate them.
 */
export function demoApps(): FakeApp[] {
  return [
    {
      id: '60a1b2c3d4e5f6a7b8c9d0e1',
      name: 'Flutter Shop',
      repositoryUrl: 'https://github.com/acme/flutter-shop',
      workflows: {},
      branches: ['main', 'develop', 'feature/checkout-v2', 'release/2.4'],
      variables: {
        CM_KEYSTORE_PASSWORD: 'demo-keystore-secret-do-not-leak',
        GOOGLE_PLAY_SERVICE_ACCOUNT: '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----FAKE"}',
        APP_ENV: 'production',
      },
      artifactNames: ['app-release.apk', 'app-release.aab'],
    },
    {
      id: '60a1b2c3d4e5f6a7b8c9d0e2',
      name: 'RN Wallet',
      repositoryUrl: 'https://github.com/acme/rn-wallet',
      workflows: {},
      branches: ['main', 'staging', 'fix/biometrics'],
      variables: {
        SENTRY_AUTH_TOKEN: 'sntrys_demo_secret_token_value',
      },
      artifactNames: ['app-release.apk', 'app-release.aab'],
    },
    {
      id: '60a1b2c3d4e5f6a7b8c9d0e3',
      name: 'iOS Notes',
      repositoryUrl: 'https://github.com/acme/ios-notes',
      workflows: {
        '5d85f242e941e00019e81bd2': { name: 'Default Workflow' },
        '5d85f242e941e00019e81bd3': { name: 'App Store Release' },
      },
      branches: ['main', 'develop'],
      variables: {
        APP_STORE_CONNECT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----FAKE-SECRET',
        CERTIFICATE_PASSWORD: 'p12-demo-secret',
      },
      artifactNames: ['IosNotes.ipa', 'IosNotes.app.dSYM.zip'],
    },
  ];
}
