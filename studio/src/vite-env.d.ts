/// <reference types="vite/client" />
declare module 'monaco-css/*';
