// The product as readers see it: its name, home page, colour and logo. Set once
// (SITE_NAME, SITE_URL, BRAND_COLOR, LOGO_URL in src/config.ts) and shown by every
// page, every mail, the List-Id header, the archive and its feed.
export interface Brand {
  readonly name: string;
  /** The product's home page (SITE_URL; PUBLIC_URL when unset). */
  readonly url: string;
  /** `#rrggbb`: the header band of pages and mails, buttons. */
  readonly color: string;
  /** An https image shown beside the name; none when unset. */
  readonly logoUrl?: string | undefined;
}
