// A small HTTP bridge on 127.0.0.1 that lets tests running inside the extension host drive the real
// workbench UI in Chromium (quick picks, dialogs, notifications) through Playwright. Test-only: the
// extension never sees it. Tests find it through the CODEMAGIC_TEST_UI environment variable.
const http = require('http');

const QUICK_INPUT = '.quick-input-widget';

/**
 * Screen-reader alerts replace each other: record every text they show, so a test can wait for a
 * message that was already replaced by the next one. Install with page.addInitScript before goto.
 */
function recordAlerts() {
  window.__cmAlerts = [];
  const record = () => {
    for (const e of document.querySelectorAll(
      '.monaco-aria-container .monaco-alert, .monaco-aria-container [role=alert]',
    )) {
      const t = e.textContent?.trim();
      if (t && window.__cmAlerts[window.__cmAlerts.length - 1] !== t) window.__cmAlerts.push(t);
    }
  };
  new MutationObserver((muts) => {
    if (
      muts.some((m) =>
        (m.target.nodeType === 1 ? m.target : m.target.parentElement)?.closest?.('.monaco-aria-container'),
      )
    )
      record();
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

function startUiDriver(getPage) {
  let cdp;
  const ops = {
    async quickInput() {
      return getPage().evaluate((sel) => {
        const w = [...document.querySelectorAll(sel)].find((e) =>
          e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }),
        );
        if (!w) return { visible: false, rows: [] };
        const text = (s) => w.querySelector(s)?.textContent?.trim() ?? '';
        const input = w.querySelector('input');
        const rows = [...w.querySelectorAll('.quick-input-list .monaco-list-row')].map((r) => ({
          label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
          detail:
            r.querySelector('.quick-input-list-label-meta, .monaco-icon-label-container + *')?.textContent?.trim() ??
            '',
          ariaLabel: r.getAttribute('aria-label') ?? '',
          focused: r.classList.contains('focused'),
          checked: r.getAttribute('aria-checked') === 'true',
        }));
        return {
          visible: true,
          title: text('.quick-input-title'),
          value: input ? input.value : '',
          placeholder: input ? (input.getAttribute('placeholder') ?? '') : '',
          inputType: input ? input.type : '',
          message: text('.quick-input-message'),
          rows,
        };
      }, QUICK_INPUT);
    },
    async type({ text }) {
      const input = getPage().locator(`${QUICK_INPUT} input`).first();
      await input.fill(text);
      return {};
    },
    async press({ key }) {
      await getPage().keyboard.press(key);
      return {};
    },
    async clickRow({ text }) {
      await getPage().locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, { hasText: text }).first().click();
      return {};
    },
    /** Text of the screen-reader alerts (headless toasts are not drawn) and of any dialog. */
    async messages() {
      return getPage().evaluate(() => ({
        // Every alert seen since the last clearMessages, and what the notification center lists.
        alerts: [
          ...(window.__cmAlerts ?? []),
          ...[...document.querySelectorAll('.notifications-center .monaco-list-row')].map((e) =>
            `${e.getAttribute('aria-label') ?? ''} ${e.textContent ?? ''}`.trim(),
          ),
        ],
        dialog: document.querySelector('.monaco-dialog-box')?.textContent?.trim() ?? '',
        statusBar: [...document.querySelectorAll('.statusbar-item')]
          .map((e) => e.textContent?.trim() ?? '')
          .filter(Boolean),
      }));
    },
    /** Rows of the Codemagic Builds view: label, description, aria label, icon classes, depth. */
    async buildRows() {
      return getPage().evaluate(() => {
        const pane = [...document.querySelectorAll('.pane')].find((p) =>
          p.querySelector('.pane-header')?.textContent?.includes('Builds'),
        );
        if (!pane) return [];
        return [...pane.querySelectorAll('.monaco-list-row')].map((r) => ({
          label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
          ariaLabel: r.getAttribute('aria-label') ?? '',
          icon: r.querySelector('.custom-view-tree-node-item-icon')?.className ?? '',
          level: Number(r.getAttribute('aria-level') ?? '0'),
          expanded: r.getAttribute('aria-expanded') === 'true',
        }));
      });
    },
    async html({ selector }) {
      return {
        html: await getPage().evaluate(
          (sel) => document.querySelector(sel)?.outerHTML?.slice(0, 6000) ?? '(none)',
          selector,
        ),
      };
    },
    /**
     * The text of the Running Extensions editor's row for one extension: VS Code's own activation
     * figure ("Activation: 29ms" = loading its code + activate()). The list is virtual: scroll it.
     */
    async runtimeExtensionRow({ id }) {
      const text = await getPage().evaluate(async (wanted) => {
        const rows = () => [...document.querySelectorAll('.runtime-extensions-editor .monaco-list-row')];
        const list = document.querySelector('.runtime-extensions-editor .monaco-scrollable-element');
        for (let i = 0; i < 50; i++) {
          const row = rows().find((r) => r.innerText.includes(wanted) || r.getAttribute('aria-label') === wanted);
          if (row) return row.innerText;
          list?.dispatchEvent(new WheelEvent('wheel', { deltaY: 300, bubbles: true }));
          await new Promise((r) => setTimeout(r, 100));
        }
        return '';
      }, id);
      return { text };
    },
    /** CPU profile of the workbench page (the bench's CODEMAGIC_BENCH_PROFILE). */
    async profileStart() {
      cdp = await getPage().context().newCDPSession(getPage());
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      return {};
    },
    async profileStop({ path: file }) {
      const { profile } = await cdp.send('Profiler.stop');
      require('fs').writeFileSync(file, JSON.stringify(profile));
      await cdp.detach();
      return {};
    },
    /** Everything the browser persisted for the workbench (IndexedDB, localStorage), as text. */
    async storageDump() {
      const text = await getPage().evaluate(async () => {
        const dec = new TextDecoder();
        const asText = (v) => {
          if (v instanceof Uint8Array || v instanceof ArrayBuffer) return dec.decode(v);
          if (v instanceof Map) return JSON.stringify([...v.entries()].map(([k, x]) => [k, asText(x)]));
          try {
            return typeof v === 'string' ? v : JSON.stringify(v);
          } catch {
            return String(v);
          }
        };
        const out = [];
        for (const info of await indexedDB.databases()) {
          const db = await new Promise((res, rej) => {
            const r = indexedDB.open(info.name);
            r.onsuccess = () => res(r.result);
            r.onerror = () => rej(r.error);
          });
          for (const store of db.objectStoreNames) {
            const tx = db.transaction(store, 'readonly').objectStore(store);
            const [keys, values] = await Promise.all(
              [tx.getAllKeys(), tx.getAll()].map(
                (req) => new Promise((res) => (req.onsuccess = () => res(req.result))),
              ),
            );
            keys.forEach((k, i) => out.push(`${info.name}/${store}/${asText(k)}=${asText(values[i])}`));
          }
          db.close();
        }
        for (let i = 0; i < localStorage.length; i++)
          out.push(`localStorage/${localStorage.key(i)}=${localStorage.getItem(localStorage.key(i))}`);
        return out.join('\n');
      });
      return { text };
    },
    /**
     * Timestamps (ms since epoch, same clock as the extension host) for the benchmark: when the next
     * quick input shows, or when the Builds view's DOM next changes. Watches only what it is asked
     * to, so the watching itself (layout reads) does not slow the page it measures.
     */
    async markTimes({ watch }) {
      await getPage().evaluate((what) => {
        window.__cmTimes = { quickInput: 0, tree: 0 };
        window.__cmObserver?.disconnect();
        let target = document.body;
        let check;
        if (what === 'tree') {
          target = [...document.querySelectorAll('.pane')].find((p) =>
            p.querySelector('.pane-header')?.textContent?.includes('Builds'),
          );
          if (!target) throw new Error('the Builds view is not open');
          check = (now) => (window.__cmTimes.tree ||= now);
        } else {
          const visible = () => [...document.querySelectorAll('.quick-input-widget')].some((e) => e.checkVisibility());
          check = (now) => {
            if (!window.__cmTimes.quickInput && visible()) window.__cmTimes.quickInput = now;
          };
        }
        window.__cmObserver = new MutationObserver(() => check(Date.now()));
        window.__cmObserver.observe(target, { subtree: true, childList: true, attributes: true, characterData: true });
      }, watch);
      return {};
    },
    async times() {
      return getPage().evaluate(() => window.__cmTimes ?? {});
    },
    /**
     * Headless Chromium never loses focus. The workbench reads document.hasFocus() whenever the window
     * blurs or the page's visibility changes: answer false until focus(), and send it such an event.
     * The extension host then sees an unfocused window.
     */
    async blur() {
      await getPage().evaluate(() => {
        window.__cmHasFocus ??= Document.prototype.hasFocus;
        Document.prototype.hasFocus = () => false;
        document.dispatchEvent(new Event('visibilitychange'));
      });
      return {};
    },
    async focus() {
      await getPage().evaluate(() => {
        if (window.__cmHasFocus) Document.prototype.hasFocus = window.__cmHasFocus;
        document.dispatchEvent(new Event('visibilitychange'));
      });
      return {};
    },
    async clearMessages() {
      await getPage().evaluate(() => (window.__cmAlerts = []));
      return {};
    },
    async clickDialogButton({ text }) {
      await getPage().locator('.monaco-dialog-box .monaco-button', { hasText: text }).first().click();
      return {};
    },
    /** Clicks a button of a notification shown in the notification center (run notifications.showList first). */
    async clickNotificationButton({ message, button }) {
      const item = getPage().locator('.notifications-center .notification-list-item', { hasText: message }).last();
      await item.locator('.monaco-button', { hasText: button }).first().click({ timeout: 10_000 });
      return {};
    },
    async click({ selector, text }) {
      await getPage()
        .locator(selector, text ? { hasText: text } : undefined)
        .first()
        .click();
      return {};
    },
    async hover({ selector, text }) {
      await getPage()
        .locator(selector, text ? { hasText: text } : undefined)
        .first()
        .hover();
      return {};
    },
    async screenshot({ path }) {
      await getPage().screenshot({ path });
      return {};
    },
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const op = req.url.slice(1);
      try {
        if (!ops[op]) throw new Error(`unknown op ${op}`);
        const result = await ops[op](body ? JSON.parse(body) : {});
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      } catch (e) {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: String(e.message || e) }));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    ),
  );
}

module.exports = { startUiDriver, recordAlerts };
