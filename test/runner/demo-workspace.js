// Builds a small Flutter-like project folder for the demo and the end-to-end test: a git repository on a
// feature branch whose upstream is pushed (to a local bare repository), with an origin URL that matches
// the fake's "Flutter Shop" app, and a codemagic.yaml that uses anchors and merge keys.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const CODEMAGIC_YAML = `# Codemagic configuration (demo)
definitions:
  flutter: &flutter
    instance_type: mac_mini_m2
    max_build_duration: 60
    environment: &env
      flutter: stable
      xcode: latest
      groups:
        - app_store_credentials

workflows:
  ios-release:
    <<: *flutter
    name: iOS Release
    labels: [release]
  android-debug:
    <<: *flutter
    name: Android Debug
    instance_type: linux_x2
    environment:
      <<: *env
      groups: [google_play]
`;

function git(cwd, ...args) {
  return execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Creates <parent>/flutter-shop and returns its path. */
function createDemoWorkspace(
  parent,
  { branch = 'feature/checkout-v2', remoteUrl = 'git@github.com:acme/flutter-shop.git' } = {},
) {
  const bare = path.join(parent, 'origin.git');
  const dir = path.join(parent, 'flutter-shop');
  fs.mkdirSync(dir, { recursive: true });
  git(parent, 'init', '-q', '--bare', bare);
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'codemagic.yaml'), CODEMAGIC_YAML);
  fs.writeFileSync(path.join(dir, 'README.md'), '# Flutter Shop\n\nA demo app for Codemagic for VS Code.\n');
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib', 'main.dart'), "void main() => print('Flutter Shop');\n");
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Initial commit');
  git(dir, 'checkout', '-q', '-b', branch);
  git(dir, 'remote', 'add', 'origin', bare);
  git(dir, 'push', '-q', '-u', 'origin', 'main', branch);
  // Keep the pushed upstream, but show Codemagic's repository URL as origin (matches the demo app).
  git(dir, 'remote', 'set-url', 'origin', remoteUrl);
  return dir;
}

/** User settings for a window that talks to the fake Codemagic at `url`. */
function demoSettings(fakeUrl) {
  return {
    'codemagic.apiUrl': fakeUrl,
    'codemagic.apiV3Url': `${fakeUrl}/api/v3`,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'git.openRepositoryInParentFolders': 'always',
    'security.workspace.trust.enabled': false,
  };
}

module.exports = { createDemoWorkspace, demoSettings, CODEMAGIC_YAML };
