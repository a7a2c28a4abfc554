import { expect, it } from 'vitest';
import { dashboardHtml } from './page.js';

it('writes the title and project name as text: no markup of theirs reaches the page', () => {
  const html = dashboardHtml({ title: `</title><script>alert("x")</script> & 'co'`, projectName: '<b>shop</b>' });
  expect(html).toContain('<title>&#60;/title&#62;&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;co&#39; · &#60;b&#62;shop&#60;/b&#62;</title>');
  expect(html).toContain('<h1>&#60;/title&#62;&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;co&#39;</h1>');
  expect(html).not.toContain('<b>');
  expect(html.match(/<script/g)).toHaveLength(4);
});
