//! The operations at mailbox scale are found from shapes, never from names: a schema of
//! made-up operations (`ListWidgets`, `TrackWidgets`, `FetchWidgets`, `WatchWidgets`, with
//! made-up element names) whose requests and responses have the shapes of `FindItem`,
//! `SyncFolderItems`, `GetItem` and `GetStreamingEvents` gets the same hooks, and the
//! generated code names them.

use ews_codegen::ews::scale_shapes;

const MESSAGES: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:m="urn:w:messages" xmlns:t="urn:w:types" targetNamespace="urn:w:messages" elementFormDefault="qualified">
  <xs:import namespace="urn:w:types" schemaLocation="types.xsd"/>
  <xs:complexType name="ResponseMessageType">
    <xs:sequence minOccurs="0">
      <xs:element name="MessageText" type="xs:string" minOccurs="0"/>
      <xs:element name="ResponseCode" type="m:ResponseCodeType" minOccurs="0"/>
      <xs:element name="DescriptiveLinkKey" type="xs:int" minOccurs="0"/>
      <xs:element name="MessageXml" minOccurs="0">
        <xs:complexType><xs:sequence><xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence>
    <xs:attribute name="ResponseClass" type="m:ResponseClassType" use="required"/>
  </xs:complexType>
  <xs:simpleType name="ResponseClassType"><xs:restriction base="xs:string"><xs:enumeration value="Success"/><xs:enumeration value="Error"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="ResponseCodeType"><xs:restriction base="xs:string"><xs:enumeration value="NoError"/></xs:restriction></xs:simpleType>

  <xs:complexType name="ListWidgetsResponseMessageType"><xs:complexContent><xs:extension base="m:ResponseMessageType">
    <xs:sequence><xs:element name="Shelf" type="t:ShelfType" minOccurs="0"/></xs:sequence>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="TrackWidgetsResponseMessageType"><xs:complexContent><xs:extension base="m:ResponseMessageType">
    <xs:sequence>
      <xs:element name="SyncState" type="xs:string" minOccurs="0"/>
      <xs:element name="IncludesLastWidgetInRange" type="xs:boolean" minOccurs="0"/>
      <xs:element name="Changes" type="t:WidgetChangesType" minOccurs="0"/>
    </xs:sequence>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="FetchWidgetsResponseMessageType"><xs:complexContent><xs:extension base="m:ResponseMessageType">
    <xs:sequence><xs:element name="Widget" type="t:WidgetType" minOccurs="0"/></xs:sequence>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="WatchWidgetsResponseMessageType"><xs:complexContent><xs:extension base="m:ResponseMessageType">
    <xs:sequence>
      <xs:element name="Notifications" type="t:NotesType" minOccurs="0"/>
      <xs:element name="ConnectionStatus" type="t:LineStatusType" minOccurs="0"/>
    </xs:sequence>
  </xs:extension></xs:complexContent></xs:complexType>

  <xs:complexType name="ArrayOfResponseMessagesType">
    <xs:choice maxOccurs="unbounded">
      <xs:element name="ListWidgetsResponseMessage" type="m:ListWidgetsResponseMessageType"/>
      <xs:element name="TrackWidgetsResponseMessage" type="m:TrackWidgetsResponseMessageType"/>
      <xs:element name="FetchWidgetsResponseMessage" type="m:FetchWidgetsResponseMessageType"/>
      <xs:element name="WatchWidgetsResponseMessage" type="m:WatchWidgetsResponseMessageType"/>
    </xs:choice>
  </xs:complexType>
  <xs:complexType name="BaseResponseMessageType">
    <xs:sequence><xs:element name="ResponseMessages" type="m:ArrayOfResponseMessagesType"/></xs:sequence>
  </xs:complexType>

  <xs:complexType name="ListWidgetsType"><xs:sequence>
    <xs:choice minOccurs="0">
      <xs:element name="PagedShelfView" type="t:IndexedPageViewType"/>
      <xs:element name="EverythingView" type="t:EverythingViewType"/>
    </xs:choice>
    <xs:element name="ShelfIds" type="t:ShelfIdsType"/>
  </xs:sequence></xs:complexType>
  <xs:element name="ListWidgets" type="m:ListWidgetsType"/>
  <xs:element name="ListWidgetsResponse" type="m:BaseResponseMessageType"/>

  <xs:complexType name="TrackWidgetsType"><xs:sequence>
    <xs:element name="SyncState" type="xs:string" minOccurs="0"/>
  </xs:sequence></xs:complexType>
  <xs:element name="TrackWidgets" type="m:TrackWidgetsType"/>
  <xs:complexType name="TrackWidgetsResponseType"><xs:complexContent><xs:extension base="m:BaseResponseMessageType"/></xs:complexContent></xs:complexType>
  <xs:element name="TrackWidgetsResponse" type="m:TrackWidgetsResponseType"/>

  <xs:complexType name="FetchWidgetsType"><xs:sequence>
    <xs:element name="WidgetIds" type="t:WidgetIdsType"/>
  </xs:sequence></xs:complexType>
  <xs:element name="FetchWidgets" type="m:FetchWidgetsType"/>
  <xs:complexType name="FetchWidgetsResponseType"><xs:complexContent><xs:extension base="m:BaseResponseMessageType"/></xs:complexContent></xs:complexType>
  <xs:element name="FetchWidgetsResponse" type="m:FetchWidgetsResponseType"/>

  <xs:complexType name="WatchWidgetsType"><xs:sequence>
    <xs:element name="Minutes" type="xs:int"/>
  </xs:sequence></xs:complexType>
  <xs:element name="WatchWidgets" type="m:WatchWidgetsType"/>
  <xs:complexType name="WatchWidgetsResponseType"><xs:complexContent><xs:extension base="m:BaseResponseMessageType"/></xs:complexContent></xs:complexType>
  <xs:element name="WatchWidgetsResponse" type="m:WatchWidgetsResponseType"/>
</xs:schema>
"#;

const TYPES: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:w:types" targetNamespace="urn:w:types" elementFormDefault="qualified">
  <xs:complexType name="BasePagingType" abstract="true">
    <xs:attribute name="MaxEntriesReturned" type="xs:int" use="optional"/>
  </xs:complexType>
  <xs:simpleType name="IndexBasePointType"><xs:restriction base="xs:string"><xs:enumeration value="Beginning"/><xs:enumeration value="End"/></xs:restriction></xs:simpleType>
  <xs:complexType name="IndexedPageViewType"><xs:complexContent><xs:extension base="t:BasePagingType">
    <xs:attribute name="Offset" type="xs:int" use="required"/>
    <xs:attribute name="BasePoint" type="t:IndexBasePointType" use="required"/>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="EverythingViewType"><xs:attribute name="All" type="xs:boolean"/></xs:complexType>

  <xs:complexType name="WidgetType"><xs:sequence><xs:element name="Name" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType>
  <xs:complexType name="GadgetType"><xs:complexContent><xs:extension base="t:WidgetType">
    <xs:sequence><xs:element name="Cogs" type="xs:int" minOccurs="0"/></xs:sequence>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="ArrayOfWidgetsType"><xs:choice minOccurs="0" maxOccurs="unbounded">
    <xs:element name="Widget" type="t:WidgetType"/>
    <xs:element name="Gadget" type="t:GadgetType"/>
  </xs:choice></xs:complexType>
  <xs:complexType name="ShelfType">
    <xs:sequence><xs:element name="Widgets" type="t:ArrayOfWidgetsType" minOccurs="0"/></xs:sequence>
    <xs:attribute name="IndexedPagingOffset" type="xs:int" use="optional"/>
    <xs:attribute name="IncludesLastItemInRange" type="xs:boolean" use="optional"/>
  </xs:complexType>

  <xs:complexType name="BaseWidgetIdType" abstract="true"/>
  <xs:complexType name="WidgetIdType"><xs:complexContent><xs:extension base="t:BaseWidgetIdType">
    <xs:attribute name="Id" type="xs:string" use="required"/>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="SerialIdType"><xs:complexContent><xs:extension base="t:BaseWidgetIdType">
    <xs:attribute name="Serial" type="xs:int" use="required"/>
  </xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="WidgetIdsType"><xs:choice maxOccurs="unbounded">
    <xs:element name="WidgetId" type="t:WidgetIdType"/>
    <xs:element name="SerialId" type="t:SerialIdType"/>
  </xs:choice></xs:complexType>
  <xs:complexType name="ShelfIdsType"><xs:sequence>
    <xs:element name="ShelfId" type="xs:string" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType>

  <xs:complexType name="WidgetChangesType"><xs:choice minOccurs="0" maxOccurs="unbounded">
    <xs:element name="Added" type="t:WidgetType"/>
    <xs:element name="Removed" type="t:WidgetIdType"/>
  </xs:choice></xs:complexType>

  <xs:simpleType name="LineStatusType"><xs:restriction base="xs:string"><xs:enumeration value="OK"/><xs:enumeration value="Closed"/></xs:restriction></xs:simpleType>
  <xs:complexType name="NoteType"><xs:sequence><xs:element name="Text" type="xs:string"/></xs:sequence></xs:complexType>
  <xs:complexType name="NotesType"><xs:sequence><xs:element name="Note" type="t:NoteType" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
</xs:schema>
"#;

#[test]
fn made_up_operations_with_the_shapes_get_the_hooks() {
    let dir = std::env::temp_dir().join(format!("ews-scale-shapes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join("messages.xsd"), MESSAGES).expect("messages.xsd");
    std::fs::write(dir.join("types.xsd"), TYPES).expect("types.xsd");

    let mut b = ews_codegen::Builder::new();
    b.schema_dir(&dir);
    let (model, _) = b.model().expect("the schema reads");
    let shapes = scale_shapes(&model);
    let find = |op: &str| {
        shapes
            .iter()
            .find(|s| s.operation == op)
            .unwrap_or_else(|| panic!("{op}: no response messages found"))
    };
    let list = find("ListWidgets");
    assert!(list.paging.is_some(), "ListWidgets pages");
    assert!(list.sync.is_none() && list.streaming.is_none());
    // ShelfIds holds strings, not ids: no batches.
    assert!(list.batch.is_none());
    let track = find("TrackWidgets");
    assert!(track.sync.is_some() && track.paging.is_none());
    let fetch = find("FetchWidgets");
    assert!(fetch.batch.is_some() && fetch.paging.is_none() && fetch.sync.is_none());
    let watch = find("WatchWidgets");
    assert!(watch.streaming.is_some() && watch.batch.is_none());

    let code = b.generate().expect("generates").code;
    let item = code
        .lines()
        .find(|l| l.trim_start().starts_with("type Item = "))
        .unwrap_or("");
    for line in [
        r#"pub const PAGED_OPERATIONS: &[&str] = &["ListWidgets"];"#,
        r#"pub const SYNC_OPERATIONS: &[&str] = &["TrackWidgets"];"#,
        r#"pub const BATCH_OPERATIONS: &[&str] = &["FetchWidgets"];"#,
        r#"pub const STREAMING_OPERATIONS: &[&str] = &["WatchWidgets"];"#,
        "impl ::ewsgen::paging::Paged for messages::ListWidgetsType {",
        "type Item = types::Widget;",
        "impl ::ewsgen::sync::Synced for messages::TrackWidgetsType {",
        "impl ::ewsgen::batch::Batched for messages::FetchWidgetsType {",
        "impl ::ewsgen::streaming::Streaming for messages::WatchWidgetsType {",
        "type Notification = types::NoteType;",
    ] {
        assert!(
            code.contains(line),
            "`{line}` missing from the generated code ({item})"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
