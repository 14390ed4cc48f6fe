using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ScimProvisioning.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ProvisioningEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EventReceivers",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<string>(type: "text", nullable: true),
                    AccountId = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Url = table.Column<string>(type: "text", nullable: true),
                    Secret = table.Column<string>(type: "text", nullable: false),
                    Mode = table.Column<string>(type: "text", nullable: false),
                    Created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Cursor = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventReceivers", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "OutboxEvents",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<string>(type: "text", nullable: true),
                    AccountId = table.Column<string>(type: "text", nullable: false),
                    Txn = table.Column<string>(type: "text", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: false),
                    ResourceType = table.Column<string>(type: "text", nullable: false),
                    ResourceId = table.Column<string>(type: "text", nullable: true),
                    ResourceName = table.Column<string>(type: "text", nullable: true),
                    Attributes = table.Column<string>(type: "text", nullable: false),
                    Details = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxEvents", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "EventDeliveries",
                columns: table => new
                {
                    Key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<string>(type: "text", nullable: true),
                    ReceiverKey = table.Column<long>(type: "bigint", nullable: false),
                    EventKey = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventDeliveries", x => x.Key);
                    table.ForeignKey(
                        name: "FK_EventDeliveries_EventReceivers_ReceiverKey",
                        column: x => x.ReceiverKey,
                        principalTable: "EventReceivers",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EventDeliveries_OutboxEvents_EventKey",
                        column: x => x.EventKey,
                        principalTable: "OutboxEvents",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EventDeliveries_EventKey",
                table: "EventDeliveries",
                column: "EventKey");

            migrationBuilder.CreateIndex(
                name: "IX_EventDeliveries_Id",
                table: "EventDeliveries",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EventDeliveries_ReceiverKey_EventKey",
                table: "EventDeliveries",
                columns: new[] { "ReceiverKey", "EventKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EventDeliveries_ReceiverKey_Status_EventKey",
                table: "EventDeliveries",
                columns: new[] { "ReceiverKey", "Status", "EventKey" });

            migrationBuilder.CreateIndex(
                name: "IX_EventReceivers_AccountId",
                table: "EventReceivers",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_EventReceivers_Id",
                table: "EventReceivers",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxEvents_AccountId_Key",
                table: "OutboxEvents",
                columns: new[] { "AccountId", "Key" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxEvents_Id",
                table: "OutboxEvents",
                column: "Id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EventDeliveries");

            migrationBuilder.DropTable(
                name: "EventReceivers");

            migrationBuilder.DropTable(
                name: "OutboxEvents");
        }
    }
}
