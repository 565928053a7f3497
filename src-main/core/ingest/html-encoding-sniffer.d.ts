/**
 * Types for html-encoding-sniffer 4, which ships none. The module exports one function (CommonJS
 * `module.exports = fn`): the HTML Standard's encoding sniffing algorithm over the first 1024 bytes.
 */
declare module 'html-encoding-sniffer' {
  interface SniffOptions {
    /** Charset label from the transport layer (HTTP Content-Type); overrides all but a BOM. */
    transportLayerEncodingLabel?: string;
    /** Returned as is when neither a BOM, the transport label nor a <meta> names an encoding. */
    defaultEncoding?: string;
  }
  /** Returns a WHATWG encoding name (e.g. "windows-1252", "GBK", "UTF-8"). */
  export default function sniffHtmlEncoding(bytes: Uint8Array, options?: SniffOptions): string;
}
