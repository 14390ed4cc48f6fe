using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScimProvisioning.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ProvisioningLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProvisioningLog",
                columns: table => new
                {
                    Key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<string>(type: "TEXT", nullable: true),
                    AccountId = table.Column<string>(type: "TEXT", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TokenId = table.Column<string>(type: "TEXT", nullable: true),
                    TokenName = table.Column<string>(type: "TEXT", nullable: true),
                    Dialect = table.Column<string>(type: "TEXT", nullable: false),
                    DialectReasons = table.Column<string>(type: "TEXT", nullable: false),
                    UserAgent = table.Column<string>(type: "TEXT", nullable: true),
                    Profile = table.Column<string>(type: "TEXT", nullable: false),
                    Method = table.Column<string>(type: "TEXT", nullable: false),
                    Path = table.Column<string>(type: "TEXT", nullable: false),
                    Query = table.Column<string>(type: "TEXT", nullable: true),
                    Resource = table.Column<string>(type: "TEXT", nullable: false),
                    ResourceId = table.Column<string>(type: "TEXT", nullable: true),
                    Shape = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", nullable: false),
                    DurationMs = table.Column<double>(type: "REAL", nullable: false),
                    RequestBody = table.Column<string>(type: "TEXT", nullable: true),
                    RequestTruncated = table.Column<bool>(type: "INTEGER", nullable: false),
                    ResponseBody = table.Column<string>(type: "TEXT", nullable: true),
                    ResponseTruncated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Interpretation = table.Column<string>(type: "TEXT", nullable: true),
                    Changes = table.Column<string>(type: "TEXT", nullable: true),
                    Rules = table.Column<string>(type: "TEXT", nullable: true),
                    Verdict = table.Column<string>(type: "TEXT", nullable: false),
                    VerdictReasons = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProvisioningLog", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisioningLog_AccountId_Key",
                table: "ProvisioningLog",
                columns: new[] { "AccountId", "Key" });

            migrationBuilder.CreateIndex(
                name: "IX_ProvisioningLog_Id",
                table: "ProvisioningLog",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProvisioningLog_OccurredAt",
                table: "ProvisioningLog",
                column: "OccurredAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProvisioningLog");
        }
    }
}
