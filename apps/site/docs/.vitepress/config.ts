import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

// The API sidebar is TypeDoc's (scripts/prepare.ts writes it before every build and dev server).
const sidebarFile = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(sidebarFile) ? JSON.parse(readFileSync(sidebarFile, 'utf8')) : [];

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Start',
    items: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Playground', link: '/playground' },
    ],
  },
  {
    text: 'Concepts',
    items: [
      { text: 'The LSTM cell', link: '/concepts/cell' },
      { text: 'The gates', link: '/concepts/gates' },
      { text: 'The constant error carousel', link: '/concepts/carousel' },
    ],
  },
  {
    text: 'Guides',
    items: [
      { text: 'The lstm command', link: '/guides/cli' },
      { text: 'Streaming inference', link: '/guides/streaming' },
      { text: 'Recording gates and gradients', link: '/guides/recording' },
      { text: 'PyTorch and ONNX', link: '/interop' },
      { text: 'Sweeps, on one machine or many', link: '/sweeps' },
    ],
  },
  {
    text: 'Experiments',
    items: [
      { text: 'E1–E5 at a glance', link: '/experiments' },
      { text: 'E1: long-range classification', link: '/results/e1' },
      { text: 'E4: the adding problem', link: '/results/e4' },
      { text: 'What-ifs, answered by sweeps', link: '/results/whatifs' },
      { text: 'Gallery (E1–E4 figures)', link: '/gallery' },
    ],
  },
  {
    text: 'Inside',
    items: [
      { text: 'Specification', link: '/spec' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'Architecture', link: '/architecture' },
    ],
  },
];

export default defineConfig({
  title: '@lstm',
  description: 'Recurrent neural networks for JavaScript: exact, fast, transparent, runs anywhere.',
  lang: 'en',
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  cleanUrls: false,
  lastUpdated: false,
  // attrs off: TSDoc comments end lines with maths like h_{t−1}, which markdown-it-attrs would eat.
  markdown: {
    math: true,
    attrs: { disable: true },
    theme: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
    config: (md) => {
      // A paragraph holding an SVG figure scrolls sideways where the figure is wider than the column
      // (custom.css keeps figures at their drawn size): it takes the keyboard focus, so the arrow keys
      // scroll it too.
      md.core.ruler.push('figure-focus', (state) => {
        state.tokens.forEach((token, i) => {
          const inline = state.tokens[i + 1];
          const figure = inline?.children?.some((child) => child.type === 'image' && /\.svg$/.test(child.attrGet('src') ?? ''));
          if (token.type === 'paragraph_open' && figure) {
            token.attrSet('tabindex', '0');
            token.attrSet('class', 'figure');
          }
        });
      });
    },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Playground', link: '/playground' },
      { text: 'Experiments', link: '/experiments' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: { '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar }], '/': guide },
    search: { provider: 'local' },
    outline: [2, 3],
  },
  vite: {
    // The workspace packages are bundled from their TypeScript sources: no build step between
    // editing a package and seeing it in `pnpm dev`.
    resolve: { conditions: ['@lstm/source', 'browser', 'import', 'module', 'default'] },
    ssr: { noExternal: [/^@lstm\//] },
    worker: { format: 'es' },
    build: { chunkSizeWarningLimit: 2048 },
  },
});
