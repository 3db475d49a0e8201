import { execa } from 'execa';

export interface XmlElement {
  tag: string;
  attrib: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const PARSE = `
import json, sys, xml.etree.ElementTree as ET
def walk(e):
    return {"tag": e.tag, "attrib": dict(e.attrib), "text": e.text or "", "children": [walk(c) for c in e]}
print(json.dumps(walk(ET.fromstring(sys.stdin.buffer.read()))))
`;

/** Parses XML with a real, strict parser (Python's ElementTree); throws on malformed input. */
export async function parseXml(xml: string): Promise<XmlElement> {
  const { stdout } = await execa('python3', ['-c', PARSE], { input: xml });
  return JSON.parse(stdout) as XmlElement;
}
