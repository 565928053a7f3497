/** A bookmarks export as Firefox writes it, with folders, a bookmarklet and a place: query. */
export const FIREFOX_BOOKMARKS = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'none'; img-src data: *; object-src 'none'"></meta>
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>

<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000001">News</H3>
    <DL><p>
        <DT><A HREF="https://news.example.com/2025/06/night-buses?utm_source=rss" ADD_DATE="1700000002" LAST_MODIFIED="1700000003" TAGS="transport,city">Night buses extended</A>
        <DD>The council voted on Monday.
        <DT><A HREF="http://blog.example.org/post/42" ADD_DATE="1700000004">A blog post &amp; more</A>
        <DT><A HREF="javascript:alert(document.cookie)" ADD_DATE="1700000005">Bookmarklet</A>
    </DL><p>
    <DT><A HREF="place:parent=toolbar_____" ADD_DATE="1700000006">Most visited</A>
    <DT><A HREF="https://news.example.com/2025/06/night-buses#comments" ADD_DATE="1700000007">Same, comments</A>
    <DT><A HREF="https://wiki.example.org/wiki/Bus_(vehicle)" ADD_DATE="1700000008">Bus</A>
    <DT><A HREF="ftp://files.example.com/a.txt">FTP</A>
    <DT><A HREF="  https://spaced.example.com/a  ">Spaced</A>
</DL>
`;
