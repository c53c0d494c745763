/** github-slugger 1 (CommonJS, no types of its own): the heading ids Docusaurus gives headings. */
declare module 'github-slugger' {
  export default class GithubSlugger {
    slug(value: string, maintainCase?: boolean): string;
    reset(): void;
  }
}
