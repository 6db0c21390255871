import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import './custom.css';
import RecurrentPlayground from './RecurrentPlayground.vue';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RecurrentPlayground', RecurrentPlayground);
  },
} satisfies Theme;
