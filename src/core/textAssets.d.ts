// Files imported as text: esbuild's text loader in the bundles (esbuild.mjs), scripts/lib/textAssets.mjs
// under Node (tests and benches run from out/). The extensions are listed in scripts/lib/textAssets.mjs.
declare module '*.yml' {
  const text: string;
  export default text;
}
declare module '*.py' {
  const text: string;
  export default text;
}
declare module '*.csv' {
  const text: string;
  export default text;
}
