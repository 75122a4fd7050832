/** Every command id the extension registers; package.json contributes the same set (a test checks). */
export const Commands = {
  startBuild: 'codemagic.startBuild',
  startBuildWithOptions: 'codemagic.startBuildWithOptions',
  rebuildLast: 'codemagic.rebuildLast',
  setToken: 'codemagic.setToken',
  clearToken: 'codemagic.clearToken',
  revealBuild: 'codemagic.revealBuild',
  openInCodemagic: 'codemagic.openInCodemagic',
  cancelBuild: 'codemagic.cancelBuild',
  copyBuildId: 'codemagic.copyBuildId',
  rebuild: 'codemagic.rebuild',
  removeBuild: 'codemagic.removeBuild',
  clearFinished: 'codemagic.clearFinished',
  refresh: 'codemagic.refresh',
  downloadArtifact: 'codemagic.downloadArtifact',
  copyArtifactLink: 'codemagic.copyArtifactLink',
} as const;

export const ContextKeys = {
  signedIn: 'codemagic.signedIn',
} as const;

export const BUILDS_VIEW = 'codemagic.builds';
