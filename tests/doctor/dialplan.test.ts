/** The doctor's reading of `xml_locate` output and its dialplan hunt (mod_dialplan_xml's order and rules). */
import t from 'tap'
import { contextOf, hunt, socketTarget } from '../../lib/doctor/dialplan.js'
import { parseXml } from '../../lib/doctor/xml.js'

const context = (extensions: string) => contextOf(`<context name="public">\n${extensions}\n</context>\n`, 'public')!

t.test('XML: attributes, entities, self-closing tags, comments; malformed input throws', async (t) => {
  t.same(parseXml(`<?xml version="1.0"?><!-- x --><a b="1 &amp; &lt;2&gt; &#65;&#x42;" c='q'><d/><e></e></a>`), [
    {
      name: 'a',
      attrs: { b: '1 & <2> AB', c: 'q' },
      children: [
        { name: 'd', attrs: {}, children: [] },
        { name: 'e', attrs: {}, children: [] },
      ],
    },
  ])
  t.throws(() => parseXml('<a><b></a>'), /closes <b>/)
  t.throws(() => parseXml('<a>'), /never closed/)
  t.throws(() => parseXml('<a <b>'), /bad tag/)
})

t.test('the first extension that matches wins; continue="true" goes on', async (t) => {
  const c = context(`
    <extension name="log" continue="true"><condition field="destination_number" expression="^0">
      <action application="log" data="INFO call"/></condition></extension>
    <extension name="agents"><condition field="destination_number" expression="^1\\d{3}$">
      <action application="bridge" data="user/$1"/></condition></extension>
    <extension name="router"><condition field="\${destination_number}" expression="^0\\d+$">
      <action application="socket" data="127.0.0.1:8084 async full"/></condition></extension>
    <extension name="never"><condition field="destination_number" expression="^0">
      <action application="hangup"/></condition></extension>`)
  t.same(hunt(c, '07012345678'), {
    extensions: ['log', 'router'],
    actions: [
      { application: 'log', data: 'INFO call' },
      { application: 'socket', data: '127.0.0.1:8084 async full' },
    ],
    assumed: [],
  })
  t.same(hunt(c, '1001').extensions, ['agents'])
  t.same(hunt(c, '+15551234').extensions, [])
})

t.test('conditions on other fields are taken as true and reported; all must hold', async (t) => {
  const c = context(`
    <extension name="office"><condition wday="2-6"/>
      <condition field="network_addr" expression="^10\\."/>
      <condition field="destination_number" expression="^07">
      <action application="socket" data="127.0.0.1:8084 async full"/></condition></extension>`)
  t.same(hunt(c, '07012345678').assumed, ['wday=2-6', 'network_addr =~ ^10\\.'])
  t.same(hunt(c, '0212345678').extensions, [], 'the destination condition fails the extension')
})

t.test('socket data: hosts in order, async and full in any case', async (t) => {
  t.same(socketTarget('127.0.0.1:8084|10.0.0.2:8084 ASYNC Full'), {
    hosts: ['127.0.0.1:8084', '10.0.0.2:8084'],
    async: true,
    full: true,
  })
  t.same(socketTarget('127.0.0.1'), { hosts: ['127.0.0.1'], async: false, full: false })
})
