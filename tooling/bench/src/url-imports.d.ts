/** Vite's `?url` imports (the browser benchmarks): the URL a file is served at. */
declare module '*?url' {
  const url: string;
  export default url;
}
