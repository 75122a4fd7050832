import * as vscode from 'vscode';
import type { Services } from '../services/services';
import type { BuildsNode } from '../views/buildsTree';
import { showError } from '../views/errors';
import { pickOne } from '../views/quickPick';

const EXPIRY = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86400 },
  { label: '7 days', seconds: 7 * 86400 },
  { label: '30 days', seconds: 30 * 86400 },
];

/** "Copy Public Link": asks Codemagic for a link that works without the token until the chosen expiry. */
export async function copyArtifactLink(s: Services, node: unknown): Promise<string | undefined> {
  const n = node as BuildsNode | undefined;
  if (n?.kind !== 'artifact') return undefined;
  const expiry = await pickOne<number>({
    title: `Public Link for ${n.artifact.name}`,
    placeholder: 'Anyone with the link can download the file until it expires',
    items: EXPIRY.map((e) => ({ label: e.label, value: e.seconds })),
    isActive: (i) => i.value === 86400,
  });
  if (expiry?.value === undefined) return undefined;
  try {
    const client = s.codemagic.client();
    let secureFilename = n.artifact.secureFilename;
    if (!secureFilename) {
      // v3 answers carry no secure file name; the legacy build does.
      const legacy = await client.getLegacyBuild(n.buildId);
      secureFilename = legacy.artifacts.find((a) => a.name === n.artifact.name)?.secureFilename;
    }
    if (!secureFilename) throw new Error(`Codemagic did not say where ${n.artifact.name} is stored.`);
    const link = await client.createPublicUrl(secureFilename, Date.now() / 1000 + expiry.value);
    await vscode.env.clipboard.writeText(link.url);
    const until = link.expiresAt ? new Date(link.expiresAt * 1000).toLocaleString() : expiry.label;
    void vscode.window.showInformationMessage(`Public link to ${n.artifact.name} copied. It works until ${until}.`);
    return link.url;
  } catch (e) {
    void showError(s.log, e, `create a public link for ${n.artifact.name}`);
    return undefined;
  }
}
